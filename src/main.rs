//! `backprop`: train, check and use the backpropagation lab's MLP on MNIST.

fn main() -> std::process::ExitCode {
    backprop::cli::main()
}
