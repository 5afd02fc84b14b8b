// registry.cpp: the kernel table of the host emulator (libvoxelforge-emu.so).
// Compiles the very translation unit nvcc compiles (voxelforge.cu) with VF_EMULATE, plus the
// emulator's self-test kernels, and registers every kernel once so that vfemu_launch finds it
// by name. Parameter types are deduced from each kernel's signature (vfemu::Unpack).
// EmulatorRegistryTest fails when a VF_KERNEL in the sources is missing here.
#include "../voxelforge.cu"
#include "selftest.cuh"

// kernels/src/main/cuda/elementwise.cuh
VF_EMU_REGISTER(vf_unary_f32)
VF_EMU_REGISTER(vf_binary_f32)
VF_EMU_REGISTER(vf_fill_f32)
// kernels/src/main/cuda/random.cuh
VF_EMU_REGISTER(vf_random_f32)
// kernels/src/main/cuda/groupnorm.cuh
VF_EMU_REGISTER(vf_gn_stats_partial_f32)
VF_EMU_REGISTER(vf_gn_stats_finalize_f32)
VF_EMU_REGISTER(vf_gn_forward_f32)
VF_EMU_REGISTER(vf_gn_backward_reduce_f32)
VF_EMU_REGISTER(vf_gn_backward_finalize_f32)
VF_EMU_REGISTER(vf_gn_backward_dx_f32)
VF_EMU_REGISTER(vf_gn_stats_partial_ndhwc_f32)
VF_EMU_REGISTER(vf_gn_stats_finalize_ndhwc_f32)
VF_EMU_REGISTER(vf_gn_forward_ndhwc_f32)
VF_EMU_REGISTER(vf_gn_backward_reduce_ndhwc_f32)
VF_EMU_REGISTER(vf_gn_backward_dx_ndhwc_f32)
// kernels/src/main/cuda/dice_ce.cuh
VF_EMU_REGISTER(vf_dice_ce_stats_partial_f32)
VF_EMU_REGISTER(vf_dice_ce_stats_finalize_f32)
VF_EMU_REGISTER(vf_dice_ce_backward_f32)
VF_EMU_REGISTER(vf_region_stats_partial_f32)
VF_EMU_REGISTER(vf_region_stats_finalize_f32)
VF_EMU_REGISTER(vf_region_backward_f32)
// kernels/src/main/cuda/optim.cuh
VF_EMU_REGISTER(vf_grad_sumsq_partial_f32)
VF_EMU_REGISTER(vf_grad_norm_finalize_f64)
VF_EMU_REGISTER(vf_sgd_step_f32)
VF_EMU_REGISTER(vf_adamw_step_f32)
// kernels/src/main/cuda/edt.cuh
VF_EMU_REGISTER(vf_edt_nearest_f32)
VF_EMU_REGISTER(vf_edt_envelope_f32)
// kernels/src/main/cuda/resample.cuh
VF_EMU_REGISTER(vf_resample_f32_i32)
// kernels/src/main/cuda/sliding.cuh
VF_EMU_REGISTER(vf_sliding_accumulate_f32)
VF_EMU_REGISTER(vf_sliding_finalize_f32)
VF_EMU_REGISTER(vf_flip3_f32)
// kernels/src/main/cuda/conv3d.cuh
VF_EMU_REGISTER(vf_conv3d_fwd_f32)
VF_EMU_REGISTER(vf_conv3d_bwd_data_f32)
VF_EMU_REGISTER(vf_conv3d_bwd_weight_partial_f32)
VF_EMU_REGISTER(vf_conv3d_bwd_weight_reduce_f32)
// kernels/src/main/cuda/tensor_ops.cuh
VF_EMU_REGISTER(vf_unary_strided_f32)
VF_EMU_REGISTER(vf_binary_strided_f32)
VF_EMU_REGISTER(vf_binary_scalar_strided_f32)
VF_EMU_REGISTER(vf_where_strided_f32)
VF_EMU_REGISTER(vf_leaky_relu_strided_f32)
VF_EMU_REGISTER(vf_leaky_relu_backward_strided_f32)
VF_EMU_REGISTER(vf_clamp_strided_f32)
VF_EMU_REGISTER(vf_copy_strided)
VF_EMU_REGISTER(vf_fill_bits)
VF_EMU_REGISTER(vf_pad_constant)
VF_EMU_REGISTER(vf_one_hot_f32)
// kernels/src/main/cuda/reduce_ops.cuh
VF_EMU_REGISTER(vf_reduce_rows_thread_f32)
VF_EMU_REGISTER(vf_reduce_rows_block_f32)
VF_EMU_REGISTER(vf_variance_rows_thread_f32)
VF_EMU_REGISTER(vf_variance_rows_block_f32)
VF_EMU_REGISTER(vf_arg_reduce_rows_thread_f32)
VF_EMU_REGISTER(vf_arg_reduce_rows_block_f32)
VF_EMU_REGISTER(vf_softmax_rows_thread_f32)
VF_EMU_REGISTER(vf_softmax_rows_block_f32)
VF_EMU_REGISTER(vf_softmax_backward_rows_thread_f32)
VF_EMU_REGISTER(vf_softmax_backward_rows_block_f32)
// kernels/src/main/cuda/gemm.cuh
VF_EMU_REGISTER(vf_gemm_f32)
// kernels/src/main/cuda/index_ops.cuh
VF_EMU_REGISTER(vf_index_check)
VF_EMU_REGISTER(vf_gather)
VF_EMU_REGISTER(vf_index_select)
VF_EMU_REGISTER(vf_scatter_add_f32)
VF_EMU_REGISTER(vf_index_add_f32)
// kernels/src/main/cuda/pool3d.cuh
VF_EMU_REGISTER(vf_maxpool3d_fwd_f32)
VF_EMU_REGISTER(vf_maxpool3d_bwd_f32)
VF_EMU_REGISTER(vf_avgpool3d_fwd_f32)
VF_EMU_REGISTER(vf_avgpool3d_bwd_f32)
VF_EMU_REGISTER(vf_adaptive_avgpool3d_fwd_f32)
VF_EMU_REGISTER(vf_adaptive_avgpool3d_bwd_f32)
// kernels/src/main/cuda/upsample3d.cuh
VF_EMU_REGISTER(vf_upsample3d_fwd_f32)
VF_EMU_REGISTER(vf_upsample3d_bwd_f32)
// kernels/src/main/cuda/emu/selftest.cuh (emulator only)
VF_EMU_REGISTER(vfemu_test_block_sum)
VF_EMU_REGISTER(vfemu_test_block_sum_no_sync)
VF_EMU_REGISTER(vfemu_test_warp_sum)
VF_EMU_REGISTER(vfemu_test_atomics)
VF_EMU_REGISTER(vfemu_test_dynamic_shared)
VF_EMU_REGISTER(vfemu_test_coords)
VF_EMU_REGISTER(vfemu_test_early_exit)
VF_EMU_REGISTER(vfemu_test_ballot)
VF_EMU_REGISTER(vfemu_test_bf16)
