// Shared by impl's native CPU kernels: the vector type, row sums, chunking, the parallel grain, exp.
//
// Every kernel takes contiguous (B, N) rows (the Python face and the autograd functions pass
// .contiguous() inputs, so transposed, strided and expanded tensors are copied once), works through
// each thread's rows in chunks of CHUNK elements held in stack buffers, and sums each row in double.
#pragma once

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/cpu/vec/functional.h>
#include <ATen/cpu/vec/vec.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cstdint>

namespace vae_ops {

using at::Tensor;
template <typename scalar_t>
using Vec = at::vec::Vectorized<scalar_t>;

// Elements per stack buffer (a multiple of every vector width; 3 buffers of doubles fit in L1).
constexpr int64_t CHUNK = 1024;
// Elements below which a kernel runs on the calling thread only. Measured (docs/impl-native.md): with
// OMP_WAIT_POLICY=PASSIVE, waking the second OpenMP thread costs tens of microseconds, more than the
// work it takes over below about this size.
constexpr int64_t GRAIN = int64_t{1} << 15;

// Sum of n values in double: blocks of 8 vectors added in the scalar type (at most 8 roundings of relative
// size u each: float32 rows of any length keep about 8 ulp, where ATen's float32 cascade sum keeps about
// log2(n)), each block's lanes and the rest then added to four double accumulators (independent adds:
// no latency chain on short rows such as 20 latents).
template <typename scalar_t>
inline double row_sum(const scalar_t* p, int64_t n) {
  constexpr int64_t W = Vec<scalar_t>::size();
  constexpr int64_t BLOCK = 8 * W;
  double acc[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    auto block = Vec<scalar_t>::loadu(p + i);
    for (int64_t k = W; k < BLOCK; k += W) {
      block += Vec<scalar_t>::loadu(p + i + k);
    }
    scalar_t lanes[W];
    block.store(lanes);
    for (int64_t k = 0; k < W; ++k) {
      acc[k % 4] += lanes[k];
    }
  }
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) {
      acc[k] += p[i + k];
    }
  }
  for (; i < n; ++i) {
    acc[0] += p[i];
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Calls chunk_fn(begin, end, carry) for consecutive flat chunks [begin, end) of the rows (of length n)
// that at::parallel_for gives each thread (whole rows, GRAIN elements or more); carry is that thread's
// running sum of the row in progress (see accumulate_rows). Chunks hold whole rows (n <= CHUNK) or start
// at multiples of CHUNK within a row, so a row's result depends on the row alone: not on its position in
// the batch, the thread that computed it, or the number of threads.
template <typename F>
inline void for_rows(int64_t rows, int64_t n, const F& chunk_fn) {
  if (n == 0) {
    return;
  }
  const int64_t grain_rows = std::max<int64_t>(1, GRAIN / std::max<int64_t>(n, 1));
  at::parallel_for(0, rows, grain_rows, [&](int64_t r0, int64_t r1) {
    double carry = 0;
    if (n <= CHUNK) {
      const int64_t step = (CHUNK / n) * n;
      for (int64_t begin = r0 * n, end = r1 * n; begin < end; begin += step) {
        chunk_fn(begin, std::min(begin + step, end), carry);
      }
      return;
    }
    for (int64_t row = r0; row < r1; ++row) {
      for (int64_t begin = row * n, end = (row + 1) * n; begin < end; begin += CHUNK) {
        chunk_fn(begin, std::min(begin + CHUNK, end), carry);
      }
    }
  });
}

// Calls op(i, count) for the vector slots of [0, len): full vectors, then one partial one (count < W,
// loaded with Vec::loadu(p, count), stored with store(p, count)). Every element goes through the same
// vector code, so its value does not depend on where it lies in a chunk.
template <typename scalar_t, typename F>
inline void vec_for(int64_t len, const F& op) {
  constexpr int64_t W = Vec<scalar_t>::size();
  for (int64_t i = 0; i < len; i += W) {
    op(i, std::min(W, len - i));
  }
}

// buf[i] = rows[(begin + i) / n] for i < end - begin: a per-row gradient spread over a chunk.
template <typename scalar_t>
inline void spread_rows(const scalar_t* rows, int64_t begin, int64_t end, int64_t n, scalar_t* buf) {
  for (int64_t pos = begin; pos < end;) {
    const int64_t row = pos / n;
    const int64_t row_end = std::min((row + 1) * n, end);
    std::fill(buf + (pos - begin), buf + (row_end - begin), rows[row]);
    pos = row_end;
  }
}

// Adds terms[0, end - begin) (flat positions [begin, end), rows of length n) to carry, row by row, and
// writes scale * carry to out[row] (then resets carry) where a row ends inside this chunk.
template <typename scalar_t>
inline void accumulate_rows(const scalar_t* terms, int64_t begin, int64_t end, int64_t n, double& carry,
                            double scale, scalar_t* out) {
  for (int64_t pos = begin; pos < end;) {
    const int64_t row = pos / n;
    const int64_t row_end = std::min((row + 1) * n, end);
    carry += row_sum(terms + (pos - begin), row_end - pos);
    if (row_end == (row + 1) * n) {
      out[row] = static_cast<scalar_t>(scale * carry);
      carry = 0;
    }
    pos = row_end;
  }
}

}  // namespace vae_ops

#ifdef VAE_OPS_MKL
// MKL's vector exp, which torch.exp calls on CPU when torch is built with MKL (ATen/cpu/vml.h, with
// the same mode bits): sigma computed with it is bit-identical to torch.exp(0.5 * logvar). The length
// is passed as a 64-bit integer: right for MKL's LP64 (int) and ILP64 interfaces alike on x86-64.
// MKL threads a VML call of itself unless told not to: outside an OpenMP region (one thread's chunk)
// that cost 4x the call here, so each call runs on its caller's thread.
extern "C" void vmsExp(long long n, const float* a, float* r, long long mode);
extern "C" void vmdExp(long long n, const double* a, double* r, long long mode);
extern "C" int MKL_Set_Num_Threads_Local(int n);  // the C interface (lower case is Fortran's)
#endif

namespace vae_ops {

// out[i] = exp(in[i]) for i < n, as torch.exp computes it on this build (MKL VML or ATen's vectors).
inline void exp_like_torch(const float* in, float* out, int64_t n) {
#ifdef VAE_OPS_MKL
  const int threads = MKL_Set_Num_Threads_Local(1);
  vmsExp(n, in, out, 0x00000002 | 0x00140000 | 0x00000100);  // VML_HA | VML_FTZDAZ_OFF | ERRMODE_IGNORE
  MKL_Set_Num_Threads_Local(threads);
#else
  at::vec::map([](Vec<float> x) { return x.exp(); }, out, in, n);
#endif
}

inline void exp_like_torch(const double* in, double* out, int64_t n) {
#ifdef VAE_OPS_MKL
  const int threads = MKL_Set_Num_Threads_Local(1);
  vmdExp(n, in, out, 0x00000002 | 0x00140000 | 0x00000100);
  MKL_Set_Num_Threads_Local(threads);
#else
  at::vec::map([](Vec<double> x) { return x.exp(); }, out, in, n);
#endif
}

// TypeError unless t is float32 or float64 on the CPU; ValueError unless it has shape of `ref`.
inline void check_input(const char* name, const Tensor& t, const Tensor& ref) {
  TORCH_CHECK_TYPE(t.device().is_cpu(), name, " must be a CPU tensor for the native kernel, got ",
                   t.device());
  TORCH_CHECK_TYPE(t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble, name,
                   " must be float32 or float64, got ", t.scalar_type());
  TORCH_CHECK_TYPE(t.scalar_type() == ref.scalar_type(), name, " must have the dtype of ", ref.scalar_type());
  TORCH_CHECK_VALUE(t.dim() >= 1 && t.sizes() == ref.sizes(), name, " must have shape ", ref.sizes(),
                    ", got ", t.sizes());
}

// A per-row tensor (B,) matching `ref`'s batch dim and dtype.
inline void check_rows(const char* name, const Tensor& t, const Tensor& ref) {
  TORCH_CHECK_TYPE(t.scalar_type() == ref.scalar_type() && t.device().is_cpu(), name,
                   " must be a CPU tensor of dtype ", ref.scalar_type());
  TORCH_CHECK_VALUE(t.dim() == 1 && t.size(0) == ref.size(0), name, " must have shape (", ref.size(0),
                    ",), got ", t.sizes());
}

}  // namespace vae_ops
