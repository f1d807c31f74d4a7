#pragma once
// Just enough PNG decoding for tests to look at a browser screenshot: zlib inflate (stored, fixed and
// dynamic Huffman blocks, after RFC 1951) and PNG scanline unfiltering for 8-bit RGB/RGBA,
// non-interlaced images — what headless Chromium writes. The test binaries link no zlib, so this is
// our own; errors throw std::runtime_error.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ttt::testing {

namespace png_detail {

class BitReader {
 public:
  BitReader(const std::vector<std::uint8_t>& data, std::size_t start) : data_(data), pos_(start) {}
  int bits(int n) {
    long value = bit_buffer_;
    while (bit_count_ < n) {
      if (pos_ >= data_.size()) throw std::runtime_error("png: compressed data ends early");
      value |= static_cast<long>(data_[pos_++]) << bit_count_;
      bit_count_ += 8;
    }
    bit_buffer_ = value >> n;
    bit_count_ -= n;
    return static_cast<int>(value & ((1L << n) - 1));
  }
  void align_to_byte() { bit_buffer_ = 0, bit_count_ = 0; }
  std::uint8_t byte() {
    if (pos_ >= data_.size()) throw std::runtime_error("png: stored block ends early");
    return data_[pos_++];
  }

 private:
  const std::vector<std::uint8_t>& data_;
  std::size_t pos_;
  long bit_buffer_ = 0;
  int bit_count_ = 0;
};

// Canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
  std::array<int, 16> count{};
  std::vector<int> symbol;
  Huffman(const int* lengths, int n) : symbol(static_cast<std::size_t>(n)) {
    for (int i = 0; i < n; ++i) ++count[lengths[i]];
    std::array<int, 16> offset{};
    for (int len = 1; len < 15; ++len) offset[len + 1] = offset[len] + count[len];
    for (int i = 0; i < n; ++i)
      if (lengths[i] != 0) symbol[offset[lengths[i]]++] = i;
  }
  int decode(BitReader& in) const {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; ++len) {
      code |= in.bits(1);
      const int n = count[len];
      if (code - n < first) return symbol[index + (code - first)];
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    throw std::runtime_error("png: bad Huffman code");
  }
};

inline void inflate_codes(BitReader& in, std::vector<std::uint8_t>& out, const Huffman& lengths,
                          const Huffman& distances) {
  static const int kLengthBase[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static const int kLengthExtra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static const int kDistBase[] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                  193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static const int kDistExtra[] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  for (;;) {
    int symbol = lengths.decode(in);
    if (symbol < 256) {
      out.push_back(static_cast<std::uint8_t>(symbol));
    } else if (symbol == 256) {
      return;
    } else {
      symbol -= 257;
      if (symbol >= 29) throw std::runtime_error("png: bad length symbol");
      const int length = kLengthBase[symbol] + in.bits(kLengthExtra[symbol]);
      const int d = distances.decode(in);
      if (d >= 30) throw std::runtime_error("png: bad distance symbol");
      const std::size_t distance = static_cast<std::size_t>(kDistBase[d] + in.bits(kDistExtra[d]));
      if (distance > out.size()) throw std::runtime_error("png: distance before start");
      for (int i = 0; i < length; ++i) out.push_back(out[out.size() - distance]);
    }
  }
}

// The zlib stream's payload (the 2-byte header is skipped, the Adler-32 trailer is not checked).
inline std::vector<std::uint8_t> zlib_inflate(const std::vector<std::uint8_t>& data) {
  if (data.size() < 2 || (data[0] & 0x0F) != 8) throw std::runtime_error("png: not a deflate zlib stream");
  BitReader in(data, 2);
  std::vector<std::uint8_t> out;
  int last;
  do {
    last = in.bits(1);
    const int type = in.bits(2);
    if (type == 0) {
      in.align_to_byte();
      // Two statements: the operands of | are unsequenced, and the compiler may read the high byte first (the
      // sanitizer build did).
      const int low = in.byte();
      const int len = low | (in.byte() << 8);
      in.byte(), in.byte();  // one's complement of len
      for (int i = 0; i < len; ++i) out.push_back(in.byte());
    } else if (type == 1) {
      int lengths[288 + 30];
      for (int i = 0; i < 144; ++i) lengths[i] = 8;
      for (int i = 144; i < 256; ++i) lengths[i] = 9;
      for (int i = 256; i < 280; ++i) lengths[i] = 7;
      for (int i = 280; i < 288; ++i) lengths[i] = 8;
      for (int i = 0; i < 30; ++i) lengths[288 + i] = 5;
      inflate_codes(in, out, Huffman(lengths, 288), Huffman(lengths + 288, 30));
    } else if (type == 2) {
      const int nlen = in.bits(5) + 257, ndist = in.bits(5) + 1, ncode = in.bits(4) + 4;
      static const int kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
      int lengths[320] = {};
      for (int i = 0; i < ncode; ++i) lengths[kOrder[i]] = in.bits(3);
      const Huffman code_lengths(lengths, 19);
      int index = 0;
      while (index < nlen + ndist) {
        int symbol = code_lengths.decode(in);
        if (symbol < 16) {
          lengths[index++] = symbol;
          continue;
        }
        int repeat_value = 0, repeat;
        if (symbol == 16) {
          if (index == 0) throw std::runtime_error("png: repeat with no previous length");
          repeat_value = lengths[index - 1];
          repeat = 3 + in.bits(2);
        } else {
          repeat = symbol == 17 ? 3 + in.bits(3) : 11 + in.bits(7);
        }
        if (index + repeat > nlen + ndist) throw std::runtime_error("png: too many code lengths");
        while (repeat-- > 0) lengths[index++] = repeat_value;
      }
      inflate_codes(in, out, Huffman(lengths, nlen), Huffman(lengths + nlen, ndist));
    } else {
      throw std::runtime_error("png: bad deflate block type");
    }
  } while (!last);
  return out;
}

inline std::uint32_t big_endian(const std::vector<std::uint8_t>& d, std::size_t at) {
  return (std::uint32_t(d[at]) << 24) | (std::uint32_t(d[at + 1]) << 16) | (std::uint32_t(d[at + 2]) << 8) | d[at + 3];
}

}  // namespace png_detail

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::array<std::uint8_t, 3>> rgb;  // row-major, alpha dropped
};

inline Image decode_png(const std::vector<std::uint8_t>& file) {
  using namespace png_detail;
  static const std::uint8_t kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (file.size() < 8 || !std::equal(kSignature, kSignature + 8, file.begin())) throw std::runtime_error("png: no signature");
  Image image;
  int channels = 0;
  std::vector<std::uint8_t> compressed;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t length = big_endian(file, at);
    const std::string type(file.begin() + static_cast<long>(at) + 4, file.begin() + static_cast<long>(at) + 8);
    if (at + 12 + length > file.size()) throw std::runtime_error("png: chunk runs past the end");
    const std::size_t data = at + 8;
    if (type == "IHDR") {
      image.width = static_cast<int>(big_endian(file, data));
      image.height = static_cast<int>(big_endian(file, data + 4));
      const int depth = file[data + 8], color_type = file[data + 9], interlace = file[data + 12];
      if (depth != 8 || (color_type != 2 && color_type != 6) || interlace != 0)
        throw std::runtime_error("png: only 8-bit RGB/RGBA non-interlaced images are supported");
      channels = color_type == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), file.begin() + static_cast<long>(data),
                        file.begin() + static_cast<long>(data + length));
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0) throw std::runtime_error("png: no IHDR");
  const std::vector<std::uint8_t> raw = zlib_inflate(compressed);
  const std::size_t stride = static_cast<std::size_t>(image.width) * channels;
  if (raw.size() < (stride + 1) * image.height) throw std::runtime_error("png: too little image data");
  std::vector<std::uint8_t> previous(stride, 0), row(stride);
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* line = &raw[y * (stride + 1) + 1];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= static_cast<std::size_t>(channels) ? row[x - channels] : 0;
      const int b = previous[x];
      const int c = x >= static_cast<std::size_t>(channels) ? previous[x - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw std::runtime_error("png: bad filter type");
      }
      row[x] = static_cast<std::uint8_t>(line[x] + predicted);
    }
    for (int x = 0; x < image.width; ++x)
      image.rgb.push_back({row[x * channels], row[x * channels + 1], row[x * channels + 2]});
    previous = row;
  }
  return image;
}

}  // namespace ttt::testing
