//! Element-wise loops over flex tensors, the bodies of the fused operations.

use burn_flex::FlexTensor;

/// `f` of each element of `x`, in a new contiguous tensor.
pub fn map<E, F>(x: &FlexTensor, f: F) -> FlexTensor
where
    E: burn::tensor::Element + bytemuck::Pod,
    F: Fn(E) -> E,
{
    let x = contiguous(x);
    let input: &[E] = x.as_slice().expect("contiguous");
    let mut output = FlexTensor::empty(x.layout().shape().clone(), x.dtype());
    for (out, &value) in output.storage_mut::<E>().iter_mut().zip(input) {
        *out = f(value);
    }
    output
}

/// `f(a, b)` of each pair of elements of `a` and `b` (same shape), in a new tensor.
pub fn zip<E, F>(a: &FlexTensor, b: &FlexTensor, f: F) -> FlexTensor
where
    E: burn::tensor::Element + bytemuck::Pod,
    F: Fn(E, E) -> E,
{
    let (a, b) = (contiguous(a), contiguous(b));
    let (left, right): (&[E], &[E]) = (
        a.as_slice().expect("contiguous"),
        b.as_slice().expect("contiguous"),
    );
    let mut output = FlexTensor::empty(a.layout().shape().clone(), a.dtype());
    for ((out, &x), &y) in output.storage_mut::<E>().iter_mut().zip(left).zip(right) {
        *out = f(x, y);
    }
    output
}

/// `x` itself when its elements are contiguous, else a contiguous copy.
pub fn contiguous(x: &FlexTensor) -> FlexTensor {
    if x.is_contiguous() {
        x.clone()
    } else {
        x.to_contiguous()
    }
}
