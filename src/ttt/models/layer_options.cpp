#include "ttt/models/layer_options.h"

namespace ttt::models {

nn::TTTLayerOptions ttt_layer_options(const ModelConfig& c) {
  nn::TTTLayerOptions o;
  o.hidden_size = c.hidden_size;
  o.num_heads = c.num_attention_heads;
  o.mini_batch_size = c.mini_batch_size;
  o.inner = c.ttt_layer_type == "mlp" ? ops::InnerModel::MLP : ops::InnerModel::Linear;
  o.ttt_base_lr = c.ttt_base_lr;
  o.rope_theta = c.rope_theta;
  o.share_qk = c.share_qk;
  o.use_gate = c.use_gate;
  o.conv_kernel = c.conv_kernel;
  o.init_std = c.initializer_range;
  o.scan_checkpoint_group_size = c.scan_checkpoint_group_size;
  return o;
}

nn::MambaOptions mamba_options(const ModelConfig& c) {
  nn::MambaOptions o;
  o.hidden_size = c.hidden_size;
  o.expand = c.expand;
  o.state_size = c.state_size;
  o.conv_kernel = c.conv_kernel;
  o.dt_rank = c.mamba_dt_rank();
  o.init_std = c.initializer_range;
  o.num_layers = c.num_hidden_layers;
  return o;
}

}  // namespace ttt::models
