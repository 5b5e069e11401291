// +KL(N(mu, diag exp(logvar)) || N(0, I)) per row, alone (gaussian_kl) and fused with the sample
// z = mu + exp(logvar / 2) * eps (reparameterize_kl), forward and backward, CPU, float32/float64.
//
// Kingma & Welling (2013), Appendix B, with v = logvar (ledger claim logvar-parameterisation):
//     KL = 1/2 sum_j (f(v_j) + mu_j^2),  f(v) = e^v - 1 - v,  dKL/dmu = mu,  dKL/dv = expm1(v) / 2;
// Section 2.4, eq. (10): z = mu + sigma eps, dz/dmu = 1, dz/dv = sigma eps / 2, dz/deps = sigma.
// f is computed without cancellation: v^2 times the exponential series less its first two terms (Horner)
// for |v| < T, (e^v - 1) - v above, where e^v >= 1.65 or <= 0.61 so that subtracting 1 and v costs at
// most a few ulp. impl/kl.py's pure path uses expm1 above T = 0.5 (float32) and 0.1 (float64); here T is
// wider (1 and 0.5, with 10 and 14 series terms: truncation below 1e-8 and 1e-17 relative) so that
// ATen's vectorised exp (Sleef, 1 ulp), about half the cost of its expm1 on this CPU, can be used.
// sigma = exp(0.5 v) is computed as torch.exp computes it and z = fma(sigma, eps, mu) as torch.addcmul
// rounds it (one rounding where the CPU has FMA), so z is bit-identical to the pure path's.
#include "common.h"

#include <ATen/Dispatch.h>
#include <ATen/ops/empty.h>
#include <torch/library.h>

#include <tuple>
#include <utility>

namespace vae_ops {
namespace {

// Where the series is used, and how many terms: |v| < below, terms k = 0, ..., K - 1.
template <typename scalar_t>
struct Series;
template <>
struct Series<float> {
  static constexpr int K = 10;
  static constexpr float below = 1.0f;
};
template <>
struct Series<double> {
  static constexpr int K = 14;
  static constexpr double below = 0.5;
};

constexpr double inverse_factorial(int n) {
  double f = 1;
  for (int i = 2; i <= n; ++i) {
    f *= i;
  }
  return 1.0 / f;
}

// f = e^v - 1 - v by the series, v^2 (c_{K-1} v^{K-1} + ... + c_0), c_k = 1/(k+2)! (Horner, FMAs).
template <typename scalar_t>
inline Vec<scalar_t> f_series(Vec<scalar_t> v) {
  using V = Vec<scalar_t>;
  constexpr int K = Series<scalar_t>::K;
  V p = V(scalar_t(inverse_factorial(K + 1)));
  for (int k = K - 2; k >= 0; --k) {
    p = at::vec::fmadd(p, v, V(scalar_t(inverse_factorial(k + 2))));
  }
  return p * (v * v);
}

// (f, e) = (e^v - 1 - v, e^v - 1) elementwise, given exp_v = e^v. Per element, as a scalar:
//     |v| < below ? (f = f_series(v), e = f + v) : (e = exp_v - 1, f = e - v);
// both branches computed, one blend.
template <typename scalar_t>
inline std::pair<Vec<scalar_t>, Vec<scalar_t>> expm1_parts(Vec<scalar_t> v, Vec<scalar_t> exp_v) {
  using V = Vec<scalar_t>;
  const V f = f_series(v), e = exp_v - V(scalar_t(1));
  const V small = v.abs() < V(Series<scalar_t>::below);
  return {V::blendv(e - v, f, small), V::blendv(e, f + v, small)};
}

template <typename scalar_t>
inline std::pair<Vec<scalar_t>, Vec<scalar_t>> expm1_parts(Vec<scalar_t> v) {
  return expm1_parts(v, v.exp());
}

// terms[i] = f(v_i) + mu_i^2 for i < len.
template <typename scalar_t>
inline void kl_terms(const scalar_t* mu, const scalar_t* v, int64_t len, scalar_t* terms) {
  using V = Vec<scalar_t>;
  vec_for<scalar_t>(len, [&](int64_t i, int64_t c) {
    const V m = V::loadu(mu + i, c);
    (expm1_parts(V::loadu(v + i, c)).first + m * m).store(terms + i, c);
  });
}

inline int64_t row_len(const Tensor& t) {
  return t.size(0) ? t.numel() / t.size(0) : 0;
}

// KL per row, (B,), written to kl; mu, logvar contiguous.
template <typename scalar_t>
void kl_rows(const Tensor& mu, const Tensor& logvar, Tensor& kl) {
  const scalar_t* m = mu.const_data_ptr<scalar_t>();
  const scalar_t* v = logvar.const_data_ptr<scalar_t>();
  scalar_t* out = kl.mutable_data_ptr<scalar_t>();
  const int64_t n = row_len(mu);
  if (n == 0) {
    std::fill(out, out + kl.numel(), scalar_t(0));
    return;
  }
  for_rows(mu.size(0), n, [&](int64_t begin, int64_t end, double& carry) {
    scalar_t terms[CHUNK];
    kl_terms(m + begin, v + begin, end - begin, terms);
    accumulate_rows(terms, begin, end, n, carry, 0.5, out);
  });
}

Tensor gaussian_kl(const Tensor& mu_in, const Tensor& logvar_in) {
  check_input("mu", mu_in, mu_in);
  check_input("logvar", logvar_in, mu_in);
  const Tensor mu = mu_in.contiguous(), logvar = logvar_in.contiguous();
  Tensor kl = at::empty({mu.size(0)}, mu.options());
  AT_DISPATCH_FLOATING_TYPES(mu.scalar_type(), "gaussian_kl", [&] { kl_rows<scalar_t>(mu, logvar, kl); });
  return kl;
}

// g_mu = g mu, g_logvar = (g / 2) expm1(logvar), g = g_kl of the element's row.
std::tuple<Tensor, Tensor> gaussian_kl_backward(const Tensor& g_kl_in, const Tensor& mu_in,
                                                const Tensor& logvar_in) {
  check_input("mu", mu_in, mu_in);
  check_input("logvar", logvar_in, mu_in);
  check_rows("g_kl", g_kl_in, mu_in);
  const Tensor mu = mu_in.contiguous(), logvar = logvar_in.contiguous(), g_kl = g_kl_in.contiguous();
  Tensor g_mu = at::empty(mu.sizes(), mu.options()), g_logvar = at::empty(mu.sizes(), mu.options());
  const int64_t n = row_len(mu);
  AT_DISPATCH_FLOATING_TYPES(mu.scalar_type(), "gaussian_kl_backward", [&] {
    using V = Vec<scalar_t>;
    const scalar_t *m = mu.const_data_ptr<scalar_t>(), *v = logvar.const_data_ptr<scalar_t>();
    const scalar_t* gk = g_kl.const_data_ptr<scalar_t>();
    scalar_t *gm = g_mu.mutable_data_ptr<scalar_t>(), *gv = g_logvar.mutable_data_ptr<scalar_t>();
    for_rows(mu.size(0), n, [&](int64_t begin, int64_t end, double&) {
      scalar_t g[CHUNK];
      spread_rows(gk, begin, end, n, g);
      vec_for<scalar_t>(end - begin, [&](int64_t i, int64_t c) {
        const int64_t j = begin + i;
        const V gi = V::loadu(g + i, c), half_g = V(scalar_t(0.5)) * gi;
        (gi * V::loadu(m + j, c)).store(gm + j, c);
        (half_g * expm1_parts(V::loadu(v + j, c)).second).store(gv + j, c);
      });
    });
  });
  return {g_mu, g_logvar};
}

// (z, kl): z = mu + exp(0.5 logvar) eps elementwise, kl per row.
std::tuple<Tensor, Tensor> reparameterize_kl(const Tensor& mu_in, const Tensor& logvar_in,
                                             const Tensor& eps_in) {
  check_input("mu", mu_in, mu_in);
  check_input("logvar", logvar_in, mu_in);
  check_input("eps", eps_in, mu_in);
  const Tensor mu = mu_in.contiguous(), logvar = logvar_in.contiguous(), eps = eps_in.contiguous();
  Tensor z = at::empty(mu.sizes(), mu.options()), kl = at::empty({mu.size(0)}, mu.options());
  const int64_t n = row_len(mu);
  AT_DISPATCH_FLOATING_TYPES(mu.scalar_type(), "reparameterize_kl", [&] {
    using V = Vec<scalar_t>;
    const scalar_t *m = mu.const_data_ptr<scalar_t>(), *v = logvar.const_data_ptr<scalar_t>();
    const scalar_t* e = eps.const_data_ptr<scalar_t>();
    scalar_t *zp = z.mutable_data_ptr<scalar_t>(), *out = kl.mutable_data_ptr<scalar_t>();
    if (n == 0) {
      std::fill(out, out + kl.numel(), scalar_t(0));
      return;
    }
    for_rows(mu.size(0), n, [&](int64_t begin, int64_t end, double& carry) {
      scalar_t sigma[CHUNK], terms[CHUNK];
      const int64_t len = end - begin;
      at::vec::map([](V x) { return x * V(scalar_t(0.5)); }, sigma, v + begin, len);
      exp_like_torch(sigma, sigma, len);
      vec_for<scalar_t>(len, [&](int64_t i, int64_t c) {  // z = sigma eps + mu, as torch.addcmul
        const int64_t j = begin + i;
        at::vec::fmadd(V::loadu(sigma + i, c), V::loadu(e + j, c), V::loadu(m + j, c)).store(zp + j, c);
      });
      kl_terms(m + begin, v + begin, len, terms);
      accumulate_rows(terms, begin, end, n, carry, 0.5, out);
    });
  });
  return {z, kl};
}

// g_mu = g_z + g mu, g_logvar = (g_z sigma eps + g expm1(logvar)) / 2, g_eps = g_z sigma (if eps_grad,
// else an empty tensor), g = g_kl of the element's row, sigma = exp(logvar / 2) recomputed.
std::tuple<Tensor, Tensor, Tensor> reparameterize_kl_backward(const Tensor& g_z_in, const Tensor& g_kl_in,
                                                              const Tensor& mu_in, const Tensor& logvar_in,
                                                              const Tensor& eps_in, bool eps_grad) {
  check_input("mu", mu_in, mu_in);
  check_input("logvar", logvar_in, mu_in);
  check_input("eps", eps_in, mu_in);
  check_input("g_z", g_z_in, mu_in);
  check_rows("g_kl", g_kl_in, mu_in);
  const Tensor mu = mu_in.contiguous(), logvar = logvar_in.contiguous(), eps = eps_in.contiguous();
  const Tensor g_z = g_z_in.contiguous(), g_kl = g_kl_in.contiguous();
  Tensor g_mu = at::empty(mu.sizes(), mu.options()), g_logvar = at::empty(mu.sizes(), mu.options());
  Tensor g_eps = at::empty(eps_grad ? mu.sizes() : at::IntArrayRef{0}, mu.options());
  const int64_t n = row_len(mu);
  AT_DISPATCH_FLOATING_TYPES(mu.scalar_type(), "reparameterize_kl_backward", [&] {
    using V = Vec<scalar_t>;
    const scalar_t *m = mu.const_data_ptr<scalar_t>(), *v = logvar.const_data_ptr<scalar_t>();
    const scalar_t *e = eps.const_data_ptr<scalar_t>(), *gz = g_z.const_data_ptr<scalar_t>();
    const scalar_t* gk = g_kl.const_data_ptr<scalar_t>();
    scalar_t *gm = g_mu.mutable_data_ptr<scalar_t>(), *gv = g_logvar.mutable_data_ptr<scalar_t>();
    scalar_t* ge = eps_grad ? g_eps.mutable_data_ptr<scalar_t>() : nullptr;
    for_rows(mu.size(0), n, [&](int64_t begin, int64_t end, double&) {
      scalar_t g[CHUNK];
      spread_rows(gk, begin, end, n, g);
      const V half = V(scalar_t(0.5));
      vec_for<scalar_t>(end - begin, [&](int64_t i, int64_t c) {
        const int64_t j = begin + i;
        const V gi = V::loadu(g + i, c), gzi = V::loadu(gz + j, c), vj = V::loadu(v + j, c);
        // sigma = exp(v / 2) (Sleef here: a gradient needs no bit-identity) and e^v = sigma^2: above the
        // series switch (|e^v - 1| >= 0.63) its 2.5 ulp cost expm1(v) at most 6 ulp, within RTOL.
        const V s = (vj * half).exp();
        (gzi + gi * V::loadu(m + j, c)).store(gm + j, c);
        ((gzi * (s * V::loadu(e + j, c)) + gi * expm1_parts(vj, s * s).second) * half).store(gv + j, c);
        if (ge) {
          (gzi * s).store(ge + j, c);
        }
      });
    });
  });
  return {g_mu, g_logvar, g_eps};
}

}  // namespace

TORCH_LIBRARY_IMPL(vae_ops, CPU, m) {
  m.impl("gaussian_kl", &gaussian_kl);
  m.impl("gaussian_kl_backward", &gaussian_kl_backward);
  m.impl("reparameterize_kl", &reparameterize_kl);
  m.impl("reparameterize_kl_backward", &reparameterize_kl_backward);
}

}  // namespace vae_ops
