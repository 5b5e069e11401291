// -log Bern(x | sigmoid(l)) per row, summed over every dim but the first, forward and backward, CPU,
// float32/float64. Kingma & Welling (2013), Appendix C.1 (ledger claim bernoulli-likelihood):
//     -log p(x|l) = softplus(l) - x l = (1 - x) max(l, 0) + x max(-l, 0) + log(1 + e^{-|l|}),
// a sum of non-negative terms, so nothing cancels (impl/likelihoods.py). The first two are
// lerp(max(l, 0), max(-l, 0), x) as torch.lerp computes it; backward d/dl = sigmoid(l) - x, d/dx = -l,
// with d/dl as (1 - x) sigmoid(l) - x sigmoid(-l) (impl/likelihoods.py): exact for x in {0, 1} at any l.
// x must lie in [0, 1]: checked in the same pass (ValueError naming x), NaN fails.
#include "common.h"

#include <ATen/Dispatch.h>
#include <ATen/ops/empty.h>
#include <torch/library.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <tuple>

namespace vae_ops {
namespace {

// log(1 + t) for t in [0, 1] (t = e^{-|l|}) without log1p: 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ...),
// s = t / (2 + t) in [0, 1/3], every term positive; truncated after s^{2n}/(2n + 1), n = 7 (float32) or
// 15 (float64): the rest is below 2e-9 and 2e-17 relative. A few ulp, and about half the cost of
// ATen's vectorised log1p (Sleef) on this CPU.
template <typename scalar_t>
inline Vec<scalar_t> log1p_unit(Vec<scalar_t> t) {
  using V = Vec<scalar_t>;
  constexpr int n = sizeof(scalar_t) == 4 ? 7 : 15;
  const V s = t / (V(scalar_t(2)) + t), s2 = s * s;
  V p = V(scalar_t(1.0 / (2 * n + 1)));
  for (int k = n - 1; k >= 0; --k) {
    p = at::vec::fmadd(p, s2, V(scalar_t(1.0 / (2 * k + 1))));
  }
  return V(scalar_t(2)) * s * p;
}

// One pixel's term; as a scalar: lerp(pos, neg, x) + log1p(exp(-|l|)), pos = max(l, 0), neg = pos - l,
// lerp(a, b, x) = |x| < 1/2 ? a + x (b - a) : b + (x - 1)(b - a) (ATen's lerp, with an FMA).
template <typename scalar_t>
inline Vec<scalar_t> nll_term(Vec<scalar_t> l, Vec<scalar_t> x) {
  using V = Vec<scalar_t>;
  const V zero = V(scalar_t(0)), pos = at::vec::maximum(l, zero), neg = pos - l;
  const V low = x.abs() < V(scalar_t(0.5));
  const V lerp = at::vec::fmadd(V::blendv(x - V(scalar_t(1)), x, low), neg - pos, V::blendv(neg, pos, low));
  return lerp + log1p_unit(l.abs().neg().exp());
}

inline int64_t row_len(const Tensor& t) {
  return t.size(0) ? t.numel() / t.size(0) : 0;
}

template <typename scalar_t>
[[noreturn]] void x_out_of_range(const scalar_t* x, int64_t numel) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (int64_t i = 0; i < numel; ++i) {
    const double xi = x[i];
    lo = (std::isnan(xi) || std::isnan(lo)) ? NAN : std::min(lo, xi);
    hi = (std::isnan(xi) || std::isnan(hi)) ? NAN : std::max(hi, xi);
  }
  TORCH_CHECK_VALUE(false, "x must lie in [0, 1] (Bernoulli targets), got values in [", lo, ", ", hi, "]");
}

Tensor bernoulli_nll(const Tensor& logits_in, const Tensor& x_in) {
  check_input("logits", logits_in, logits_in);
  check_input("x", x_in, logits_in);
  const Tensor logits = logits_in.contiguous(), x = x_in.contiguous();
  Tensor nll = at::empty({logits.size(0)}, logits.options());
  const int64_t n = row_len(logits);
  AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "bernoulli_nll", [&] {
    using V = Vec<scalar_t>;
    const scalar_t *l = logits.const_data_ptr<scalar_t>(), *xp = x.const_data_ptr<scalar_t>();
    scalar_t* out = nll.mutable_data_ptr<scalar_t>();
    if (n == 0) {
      std::fill(out, out + nll.numel(), scalar_t(0));
      return;
    }
    std::atomic<bool> bad{false};
    for_rows(logits.size(0), n, [&](int64_t begin, int64_t end, double& carry) {
      scalar_t terms[CHUNK];
      const int64_t len = end - begin;
      V in_range = V(scalar_t(1));  // lanes all ones (true) or zero (false); padding lanes load x = 0
      vec_for<scalar_t>(len, [&](int64_t i, int64_t c) {
        const V xi = V::loadu(xp + begin + i, c);
        in_range = in_range & (xi >= V(scalar_t(0))) & (xi <= V(scalar_t(1)));  // NaN compares false
        nll_term(V::loadu(l + begin + i, c), xi).store(terms + i, c);
      });
      if (in_range.zero_mask() != 0) {
        bad = true;
      }
      accumulate_rows(terms, begin, end, n, carry, 1.0, out);
    });
    if (bad) {
      x_out_of_range(xp, x.numel());
    }
  });
  return nll;
}

// g_logits = (sigmoid(l) - x) g = ((1 - x) a - x b) / (1 + e) g with e = exp(-|l|), (a, b) = (1, e) for
// l >= 0 and (e, 1) below: sigmoid(l) = a / (1 + e), sigmoid(-l) = b / (1 + e), no 1 - sigmoid(l) that
// rounds to 0 (for x = 1, l = 20 the gradient is -2.1e-9, not 0). g_x = -l g (if x_grad, else empty).
std::tuple<Tensor, Tensor> bernoulli_nll_backward(const Tensor& g_nll_in, const Tensor& logits_in,
                                                  const Tensor& x_in, bool x_grad) {
  check_input("logits", logits_in, logits_in);
  check_input("x", x_in, logits_in);
  check_rows("g_nll", g_nll_in, logits_in);
  const Tensor logits = logits_in.contiguous(), x = x_in.contiguous(), g_nll = g_nll_in.contiguous();
  Tensor g_logits = at::empty(logits.sizes(), logits.options());
  Tensor g_x = at::empty(x_grad ? logits.sizes() : at::IntArrayRef{0}, logits.options());
  const int64_t n = row_len(logits);
  AT_DISPATCH_FLOATING_TYPES(logits.scalar_type(), "bernoulli_nll_backward", [&] {
    using V = Vec<scalar_t>;
    const scalar_t *l = logits.const_data_ptr<scalar_t>(), *xp = x.const_data_ptr<scalar_t>();
    const scalar_t* gn = g_nll.const_data_ptr<scalar_t>();
    scalar_t *gl = g_logits.mutable_data_ptr<scalar_t>(), *gx = x_grad ? g_x.mutable_data_ptr<scalar_t>() : nullptr;
    for_rows(logits.size(0), n, [&](int64_t begin, int64_t end, double&) {
      scalar_t g[CHUNK];
      spread_rows(gn, begin, end, n, g);
      const V one = V(scalar_t(1));
      vec_for<scalar_t>(end - begin, [&](int64_t i, int64_t c) {
        const int64_t j = begin + i;
        const V li = V::loadu(l + j, c), gi = V::loadu(g + i, c), xi = V::loadu(xp + j, c);
        const V e = li.abs().neg().exp(), nonneg = li >= V(scalar_t(0));
        const V a = V::blendv(e, one, nonneg), b = V::blendv(one, e, nonneg);
        (((one - xi) * a - xi * b) / (one + e) * gi).store(gl + j, c);
        if (gx) {
          (li.neg() * gi).store(gx + j, c);
        }
      });
    });
  });
  return {g_logits, g_x};
}

}  // namespace

TORCH_LIBRARY_IMPL(vae_ops, CPU, m) {
  m.impl("bernoulli_nll", &bernoulli_nll);
  m.impl("bernoulli_nll_backward", &bernoulli_nll_backward);
}

}  // namespace vae_ops
