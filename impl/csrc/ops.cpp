// The vae_ops operator library: schemas, and the autograd formulas registered in C++ (no Python between
// an operator and its backward). The CPU kernels are in gaussian_kl.cpp and bernoulli_nll.cpp; the fake
// (meta) implementations for torch.compile are in impl/_native.py.
//
// Each backward is once-differentiable: the backward operators have no autograd formula of their own,
// so a backward with create_graph=True is an error, never a wrong second derivative.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include <tuple>

namespace vae_ops {
namespace {

using at::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void once_differentiable(const char* name) {
  TORCH_CHECK(!at::GradMode::is_enabled(), "vae_ops::", name,
              ": second derivatives are not implemented (backward with create_graph=True)");
}

template <typename Signature>
c10::TypedOperatorHandle<Signature> op(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "").typed<Signature>();
}

// KL = 1/2 sum (f(v) + mu^2); backward g_mu = g mu, g_logvar = g expm1(v) / 2 (K&W 2013, App. B).
struct GaussianKL : torch::autograd::Function<GaussianKL> {
  static Tensor forward(AutogradContext* ctx, const Tensor& mu, const Tensor& logvar) {
    at::AutoDispatchBelowADInplaceOrView guard;
    static const auto fwd = op<Tensor(const Tensor&, const Tensor&)>("vae_ops::gaussian_kl");
    ctx->save_for_backward({mu, logvar});
    return fwd.call(mu, logvar);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    static const auto bwd = op<std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&, const Tensor&)>(
        "vae_ops::gaussian_kl_backward");
    once_differentiable("gaussian_kl");
    const auto saved = ctx->get_saved_variables();
    auto [g_mu, g_logvar] = bwd.call(grads[0], saved[0], saved[1]);
    return {g_mu, g_logvar};
  }
};

// (z, KL); backward pathwise plus the KL's gradient, sigma and expm1(v) recomputed from the inputs.
struct ReparameterizeKL : torch::autograd::Function<ReparameterizeKL> {
  static variable_list forward(AutogradContext* ctx, const Tensor& mu, const Tensor& logvar,
                               const Tensor& eps) {
    at::AutoDispatchBelowADInplaceOrView guard;
    static const auto fwd = op<std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&, const Tensor&)>(
        "vae_ops::reparameterize_kl");
    ctx->save_for_backward({mu, logvar, eps});
    auto [z, kl] = fwd.call(mu, logvar, eps);
    return {z, kl};
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    using Sig = std::tuple<Tensor, Tensor, Tensor>(const Tensor&, const Tensor&, const Tensor&,
                                                   const Tensor&, const Tensor&, bool);
    static const auto bwd = op<Sig>("vae_ops::reparameterize_kl_backward");
    once_differentiable("reparameterize_kl");
    const auto saved = ctx->get_saved_variables();
    const bool eps_grad = ctx->needs_input_grad(2);
    auto [g_mu, g_logvar, g_eps] = bwd.call(grads[0], grads[1], saved[0], saved[1], saved[2], eps_grad);
    return {g_mu, g_logvar, eps_grad ? g_eps : Tensor()};
  }
};

// -log Bern(x | sigmoid(l)) per row; backward g_logits = g (sigmoid(l) - x), g_x = -g l.
struct BernoulliNLL : torch::autograd::Function<BernoulliNLL> {
  static Tensor forward(AutogradContext* ctx, const Tensor& logits, const Tensor& x) {
    at::AutoDispatchBelowADInplaceOrView guard;
    static const auto fwd = op<Tensor(const Tensor&, const Tensor&)>("vae_ops::bernoulli_nll");
    ctx->save_for_backward({logits, x});
    return fwd.call(logits, x);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    using Sig = std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&, const Tensor&, bool);
    static const auto bwd = op<Sig>("vae_ops::bernoulli_nll_backward");
    once_differentiable("bernoulli_nll");
    const auto saved = ctx->get_saved_variables();
    const bool x_grad = ctx->needs_input_grad(1);
    auto [g_logits, g_x] = bwd.call(grads[0], saved[0], saved[1], x_grad);
    return {g_logits, x_grad ? g_x : Tensor()};
  }
};

}  // namespace

TORCH_LIBRARY(vae_ops, m) {
  m.def("gaussian_kl(Tensor mu, Tensor logvar) -> Tensor");
  m.def("gaussian_kl_backward(Tensor g_kl, Tensor mu, Tensor logvar) -> (Tensor, Tensor)");
  m.def("reparameterize_kl(Tensor mu, Tensor logvar, Tensor eps) -> (Tensor, Tensor)");
  m.def(
      "reparameterize_kl_backward(Tensor g_z, Tensor g_kl, Tensor mu, Tensor logvar, Tensor eps, "
      "bool eps_grad) -> (Tensor, Tensor, Tensor)");
  m.def("bernoulli_nll(Tensor logits, Tensor x) -> Tensor");
  m.def("bernoulli_nll_backward(Tensor g_nll, Tensor logits, Tensor x, bool x_grad) -> (Tensor, Tensor)");
}

TORCH_LIBRARY_IMPL(vae_ops, Autograd, m) {
  m.impl("gaussian_kl", [](const Tensor& mu, const Tensor& logvar) { return GaussianKL::apply(mu, logvar); });
  m.impl("reparameterize_kl", [](const Tensor& mu, const Tensor& logvar, const Tensor& eps) {
    auto out = ReparameterizeKL::apply(mu, logvar, eps);
    return std::make_tuple(out[0], out[1]);
  });
  m.impl("bernoulli_nll", [](const Tensor& logits, const Tensor& x) { return BernoulliNLL::apply(logits, x); });
}

}  // namespace vae_ops
