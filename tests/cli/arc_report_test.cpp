// `ttt arc report` end to end: renders tests/data/arc-report, checks the page, and — when Chromium is
// installed — renders it headless and checks the screenshot really shows the ARC-colored grids.
//
// Non-blank check: the screenshot is decoded (tests/cli/png_pixels.h) and we count pixels of the ARC
// palette colors the fixture grids use (blue, red, green, yellow). A page that failed to load, an
// error page or an empty render has none of these saturated colors; a blank page rendered the same
// way serves as the control that the check can fail.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "png_pixels.h"
#include "support/run_cli.h"

namespace fs = std::filesystem;

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_shell;
using ttt::test_support::slurp;

namespace {

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc-report";

std::vector<std::uint8_t> bytes_of(const fs::path& path) {
  const std::string s = slurp(path);
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("ttt_arc_report_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Pixels within `tolerance` per channel of the color "#RRGGBB".
int pixels_near(const ttt::testing::Image& image, const std::string& hex, int tolerance = 10) {
  const int want[3] = {std::stoi(hex.substr(1, 2), nullptr, 16), std::stoi(hex.substr(3, 2), nullptr, 16),
                       std::stoi(hex.substr(5, 2), nullptr, 16)};
  int n = 0;
  for (const auto& px : image.rgb) {
    bool near = true;
    for (int k = 0; k < 3; ++k) near = near && std::abs(px[k] - want[k]) <= tolerance;
    n += near;
  }
  return n;
}

// Headless screenshot of `page`; empty string when it worked, else the reason.
std::string screenshot(const fs::path& page, const fs::path& png, const fs::path& profile) {
  fs::create_directories(profile);
  const CliRun run = run_shell(
      "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars "
      "--force-color-profile=srgb --user-data-dir='" + profile.string() + "' --screenshot='" + png.string() +
      "' --window-size=1200,900 'file://" + page.string() + "'");
  if (run.exit_code != 0 || !fs::exists(png))
    return "chromium exited " + std::to_string(run.exit_code) + ":\n" + run.output.substr(0, 2000);
  return "";
}

}  // namespace

// Tiny PNGs made with Python's zlib: all three deflate block kinds and all five scanline filters.
TEST(PngPixels, DecodesDynamicFixedAndStoredBlocks) {
  const std::vector<std::uint8_t> dynamic = {137,80,78,71,13,10,26,10,0,0,0,13,73,72,68,82,0,0,0,20,0,0,0,10,8,2,0,0,0,59,55,233,177,0,0,1,154,73,68,65,84,120,218,157,144,63,104,83,81,20,198,239,203,205,159,222,222,38,47,125,175,177,95,184,148,16,122,63,104,145,128,127,32,130,32,41,226,16,4,209,224,86,4,197,186,20,10,130,242,192,46,133,130,16,199,22,4,163,139,224,32,20,29,29,20,20,17,196,65,65,145,174,34,116,184,171,20,4,207,106,108,92,140,147,194,225,227,59,63,56,103,248,41,165,20,35,115,54,159,92,55,238,110,213,191,168,183,190,250,182,62,218,89,88,234,158,235,245,110,92,91,190,183,190,242,114,107,109,111,39,43,190,221,56,188,215,191,160,182,178,230,253,7,103,30,189,94,125,18,89,109,24,9,181,99,65,88,114,52,66,235,88,22,198,142,211,194,212,177,38,156,117,172,11,157,227,156,176,225,216,20,206,59,82,114,195,99,171,157,213,193,106,249,215,174,15,21,19,228,4,90,33,47,40,120,20,5,37,53,152,16,24,143,73,129,85,152,18,148,61,42,130,88,161,42,216,246,72,4,169,194,140,228,127,125,138,146,131,127,195,121,51,42,252,189,142,115,251,39,87,39,226,214,165,170,223,76,59,143,209,254,208,48,251,11,170,118,220,157,92,74,46,159,207,110,95,89,219,185,217,255,120,103,227,251,195,30,158,119,79,237,174,92,221,95,238,199,175,158,30,121,246,249,226,167,31,183,222,69,167,147,246,208,54,117,96,193,176,20,104,12,109,96,217,48,206,56,109,152,6,214,12,103,3,235,134,46,112,206,176,145,177,105,56,31,72,51,18,38,255,151,250,88,101,17,185,4,218,33,239,81,104,13,138,109,148,58,152,232,194,172,99,242,61,236,46,166,190,12,202,1,149,111,136,5,85,133,237,30,146,4,169,27,204,248,145,48,57,112,48,150,230,47,50,206,127,2,135,101,136,78,176,203,23,193,0,0,0,0,73,69,78,68,174,66,96,130};
  // Pixel (x, y) = ((37x + 11y) % 256, (x² + 3y) % 256, 9·(x xor y) % 256); rows use filters y % 5.
  const auto image = ttt::testing::decode_png(dynamic);
  ASSERT_EQ(image.width, 20);
  ASSERT_EQ(image.height, 10);
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) {
      const auto& px = image.rgb[y * 20 + x];
      ASSERT_EQ(px[0], (x * 37 + y * 11) % 256) << x << "," << y;
      ASSERT_EQ(px[1], (x * x + y * 3) % 256) << x << "," << y;
      ASSERT_EQ(px[2], ((x ^ y) * 9) % 256) << x << "," << y;
    }

  const std::vector<std::uint8_t> stored = {137,80,78,71,13,10,26,10,0,0,0,13,73,72,68,82,0,0,0,3,0,0,0,2,8,6,0,0,0,157,116,102,26,0,0,0,37,73,68,65,84,120,1,1,26,0,229,255,0,0,0,0,255,37,1,9,255,74,4,18,255,1,11,3,9,255,37,1,247,0,37,3,27,0,81,179,6,4,198,67,234,141,0,0,0,0,73,69,78,68,174,66,96,130};
  const auto small = ttt::testing::decode_png(stored);  // RGBA, same formula
  ASSERT_EQ(small.rgb.size(), 6u);
  EXPECT_EQ(small.rgb[5], (std::array<std::uint8_t, 3>{(2 * 37 + 11) % 256, (4 + 3) % 256, (3 * 9) % 256}));

  const std::vector<std::uint8_t> fixed = {137,80,78,71,13,10,26,10,0,0,0,13,73,72,68,82,0,0,0,8,0,0,0,4,8,6,0,0,0,179,205,126,240,0,0,0,44,73,68,65,84,120,1,99,96,48,74,249,127,2,136,113,210,12,70,169,64,70,234,127,156,52,131,81,26,144,145,246,31,39,205,96,148,14,100,164,255,199,69,3,0,21,164,63,81,94,189,5,6,0,0,0,0,73,69,78,68,174,66,96,130};
  // Pixel (x, y) = (200 for odd x else 0, 50, 100 + y).
  const auto stripes = ttt::testing::decode_png(fixed);
  ASSERT_EQ(stripes.rgb.size(), 32u);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 8; ++x)
      EXPECT_EQ(stripes.rgb[y * 8 + x], (std::array<std::uint8_t, 3>{std::uint8_t(x % 2 * 200), 50, std::uint8_t(100 + y)}));

  std::vector<std::uint8_t> broken = dynamic;
  broken.resize(100);
  EXPECT_THROW(ttt::testing::decode_png(broken), std::runtime_error);
}

TEST(CliArcReport, WritesAnEscapedScoredPage) {
  TempDir tmp;
  const fs::path out = tmp.path() / "report.html";
  const CliRun r = run_cli("arc report --tasks '" + kData + "/tasks' --submission '" + kData +
                           "/submission.json' --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = slurp(out);
  EXPECT_NE(html.find(">flip-a</a>"), std::string::npos);
  EXPECT_NE(html.find(">color&lt;b&gt;</a>"), std::string::npos);
  EXPECT_EQ(html.find("color<b>"), std::string::npos);
  EXPECT_NE(html.find("Score: 1 / 2 tasks (50.0 %); test inputs 2 / 3"), std::string::npos);
  for (const char* color : {"#0074D9", "#FF4136", "#2ECC40", "#FFDC00"}) EXPECT_NE(html.find(color), std::string::npos);
  // Only report.html: the atomic write leaves no temporary behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
}

TEST(CliArcReport, BadInputsAreErrorsAndWriteNothing) {
  TempDir tmp;
  const fs::path out = tmp.path() / "report.html";
  CliRun r = run_cli("arc report --tasks '" + kData + "/tasks' --submission '" + kData + "/nope.json' --out '" +
                     out.string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("nope.json"), std::string::npos) << r.output;
  r = run_cli("arc report --tasks '" + kData + "/tasks' --submission '" + kData + "/README.md' --out '" +
              out.string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("error:"), std::string::npos) << r.output;
  r = run_cli("arc report --tasks '" + kData + "/tasks' --submission '" + kData + "/submission.json'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--out"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliArcReport, HeadlessChromiumRendersTheGrids) {
  if (!fs::exists("/usr/bin/chromium")) GTEST_SKIP() << "/usr/bin/chromium not installed (scripts/install-deps.sh installs it)";
  TempDir tmp;
  const fs::path page = tmp.path() / "report.html";
  const CliRun r = run_cli("arc report --tasks '" + kData + "/tasks' --submission '" + kData +
                           "/submission.json' --out '" + page.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path blank = tmp.path() / "blank.html";
  std::ofstream(blank) << "<!DOCTYPE html><html><body></body></html>";

  const fs::path shot = tmp.path() / "report.png", blank_shot = tmp.path() / "blank.png";
  const std::string failure = screenshot(page, shot, tmp.path() / "profile-report");
  ASSERT_EQ(failure, "");
  ASSERT_EQ(screenshot(blank, blank_shot, tmp.path() / "profile-blank"), "");

  const auto image = ttt::testing::decode_png(bytes_of(shot));
  const auto control = ttt::testing::decode_png(bytes_of(blank_shot));
  EXPECT_EQ(image.width, 1200);
  EXPECT_GT(image.height, 0);
  // Each fixture color fills whole cells (at least 20×20 px each) in the visible part of the page.
  for (const char* color : {"#0074D9", "#FF4136", "#2ECC40", "#FFDC00"}) {
    EXPECT_GT(pixels_near(image, color), 400) << color << " missing from the screenshot";
    EXPECT_EQ(pixels_near(control, color), 0) << color << " in a blank page: the check cannot tell";
  }
}
