//! Element-wise loops over flex tensors, the bodies of the fused operations.

use burn::tensor::TensorData;
use burn_flex::FlexTensor;

/// `f` of each element of `x`, in a new contiguous tensor (built from a `Vec`: flex's own
/// `FlexTensor::empty` zero-fills a byte buffer and then copies it into an aligned one).
pub fn map<E, F>(x: &FlexTensor, f: F) -> FlexTensor
where
    E: burn::tensor::Element + bytemuck::Pod,
    F: Fn(E) -> E,
{
    let x = contiguous(x);
    let input: &[E] = x.as_slice().expect("contiguous");
    let output: Vec<E> = input.iter().map(|&value| f(value)).collect();
    FlexTensor::from_data(TensorData::new(output, x.layout().shape().clone()))
}

/// `f` of all the elements of `x` at once (a function over the whole slice, such as a vector
/// kernel), in a new contiguous tensor of `x`'s shape.
pub fn map_all<E, F>(x: &FlexTensor, f: F) -> FlexTensor
where
    E: burn::tensor::Element + bytemuck::Pod,
    F: Fn(&[E]) -> Vec<E>,
{
    let x = contiguous(x);
    let output = f(x.as_slice().expect("contiguous"));
    FlexTensor::from_data(TensorData::new(output, x.layout().shape().clone()))
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
    let output: Vec<E> = left.iter().zip(right).map(|(&x, &y)| f(x, y)).collect();
    FlexTensor::from_data(TensorData::new(output, a.layout().shape().clone()))
}

/// `x` itself when its elements are contiguous, else a contiguous copy.
pub fn contiguous(x: &FlexTensor) -> FlexTensor {
    if x.is_contiguous() {
        x.clone()
    } else {
        x.to_contiguous()
    }
}
