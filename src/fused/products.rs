//! Matrix products on flex tensors written straight into a `Vec`: the bodies of the fused
//! linear operation ([`super::linear`]).
//!
//! flex's own matmul allocates each output as a zero-filled byte buffer, which Burn's byte
//! container then copies into a 16-byte-aligned one before gemm overwrites it: two allocations,
//! a fill and a copy per product. On two threads those took ≈ 18 % of a training run's profile
//! (`memmove` 14 %, `memset` 4 %, almost all under the weight gradients' products). Here gemm
//! writes into the spare capacity of a `Vec`, which becomes the tensor's storage as it is.
//!
//! gemm is called with the arguments flex passes it (the operands' strides, the output
//! row-major, the same threshold for running on several threads), so the products are flex's
//! bit for bit; the last columns that [`product_vec`] computes apart keep those bits too (see
//! [`tail_columns`]).

use burn::tensor::{Element, TensorData};
use burn_flex::FlexTensor;

use super::column_split::{Split, split_of};
use super::flex_loops::contiguous;

/// flex's threshold for letting gemm split a product over the compute pool's threads
/// (m·n·k ≥ 192³), kept here so that the same products run on the same threads.
const PARALLEL_THRESHOLD: usize = 192 * 192 * 192;

/// An element gemm multiplies (f32 or f64).
pub trait Scalar: Element + bytemuck::Pod + core::ops::Add<Output = Self> {
    /// 0, gemm's factor for the output's previous contents (none is read).
    const ZERO: Self;
    /// 1, gemm's factor for the product.
    const ONE: Self;
}

impl Scalar for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}

impl Scalar for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}

/// The product a·b of two matrices (either may be a strided view, such as a transpose), as a
/// contiguous row-major tensor.
///
/// # Shapes
/// - `a`: `[m, k]`, `b`: `[k, n]` → `[m, n]`
pub fn product<E: Scalar>(a: &FlexTensor, b: &FlexTensor) -> FlexTensor {
    let (m, n) = (a.layout().shape()[0], b.layout().shape()[1]);
    let output = product_vec::<E>(a, b);
    FlexTensor::from_data(TensorData::new(output, [m, n]))
}

/// x·w + b, the bias added to each row of the product in place.
///
/// # Shapes
/// - `x`: `[m, k]`, `w`: `[k, n]`, `b`: `[n]` → `[m, n]`
pub fn linear<E: Scalar>(x: &FlexTensor, w: &FlexTensor, b: &FlexTensor) -> FlexTensor {
    let (m, n) = (x.layout().shape()[0], w.layout().shape()[1]);
    let mut output = product_vec::<E>(x, w);
    let b = contiguous(b);
    let bias: &[E] = b.as_slice().expect("contiguous");
    if n > 0 {
        for row in output.chunks_exact_mut(n) {
            for (z, &b) in row.iter_mut().zip(bias) {
                *z = *z + b;
            }
        }
    }
    FlexTensor::from_data(TensorData::new(output, [m, n]))
}

/// The elements of a·b, row-major (see [`product`]).
///
/// gemm computes a row-major output as its transpose, so the output's columns are its kernel's
/// rows, taken a vector register at a time: with 132 columns and 16 lanes (AVX-512, f32) the
/// last 4 columns run a whole 16-row kernel, 14 % of the product's time for 3 % of its work.
/// Where that pays ([`split_of`](super::column_split::split_of)), the last `n mod lanes` columns are computed apart, into a
/// column-major block whose kernel rows are the output's rows, and copied in place.
fn product_vec<E: Scalar>(a: &FlexTensor, b: &FlexTensor) -> Vec<E> {
    let (a_shape, b_shape) = (a.layout().shape(), b.layout().shape());
    let (m, k, n) = (a_shape[0], a_shape[1], b_shape[1]);
    assert_eq!(k, b_shape[0], "product: inner dimensions differ");
    let len = m.checked_mul(n).expect("product: output size overflows");
    if len == 0 || k == 0 {
        return vec![E::ZERO; len];
    }
    let a = Operand::of(a);
    let b = Operand::of(b);
    let along_k = a.column_stride == 1 && b.row_stride == 1;
    let split = split_of::<E>(m, n, k, along_k);
    let tail = split.map_or(0, |split| split.columns);
    let head = n - tail;
    let mut output: Vec<E> = Vec::with_capacity(len);
    // SAFETY: the output has room for m·n elements; the first product writes the first `head`
    // columns of each row (strides (n, 1)) and the copy below the last `tail` ones, so every
    // element is written before the length is set. The column block's first product (depth 0)
    // writes all of it; the next ones add to it.
    unsafe {
        let whole = parallelism(m, n, k);
        gemm_into(
            m,
            head,
            k,
            output.as_mut_ptr(),
            (n as isize, 1),
            &a,
            &b,
            false,
            whole,
        );
        if let Some(Split { columns, depth }) = split {
            let mut side: Vec<E> = Vec::with_capacity(m * columns);
            let b = b.columns(head);
            for start in (0..k).step_by(depth) {
                let depth = depth.min(k - start);
                let (a, b) = (a.columns(start), b.rows(start)); // from depth `start` on
                let adds = start > 0;
                let threads = parallelism(m, columns, depth);
                gemm_into(
                    m,
                    columns,
                    depth,
                    side.as_mut_ptr(),
                    (1, m as isize),
                    &a,
                    &b,
                    adds,
                    threads,
                );
            }
            side.set_len(m * columns);
            let out = output.as_mut_ptr();
            for (j, column) in side.chunks_exact(m).enumerate() {
                for (i, &value) in column.iter().enumerate() {
                    *out.add(i * n + head + j) = value;
                }
            }
        }
        output.set_len(len);
    }
    output
}

/// flex's choice of threads for a product of m·n·k multiply-adds.
fn parallelism(m: usize, n: usize, k: usize) -> gemm::Parallelism {
    if m.saturating_mul(n).saturating_mul(k) >= PARALLEL_THRESHOLD {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    }
}

/// A matrix operand as gemm reads it: its first element and its strides.
struct Operand<E> {
    start: *const E,
    row_stride: isize,
    column_stride: isize,
}

impl<E: Scalar> Operand<E> {
    /// The view `x` describes inside its storage.
    fn of(x: &FlexTensor) -> Self {
        let (row_stride, column_stride) = strides_2d(x);
        let storage: &[E] = x.storage();
        Self {
            start: storage[x.layout().start_offset()..].as_ptr(),
            row_stride,
            column_stride,
        }
    }

    /// The same matrix from column `first` on.
    fn columns(&self, first: usize) -> Self {
        Self {
            start: self
                .start
                .wrapping_offset(first as isize * self.column_stride),
            row_stride: self.row_stride,
            column_stride: self.column_stride,
        }
    }

    /// The same matrix from row `first` on.
    fn rows(&self, first: usize) -> Self {
        Self {
            start: self.start.wrapping_offset(first as isize * self.row_stride),
            row_stride: self.row_stride,
            column_stride: self.column_stride,
        }
    }
}

/// dst = a·b for a `[m, k]` and b `[k, n]`, written at `dst` with strides (row, column), as
/// flex calls gemm (nothing read from dst); with `adds`, dst + a·b instead (as gemm adds the
/// sums of each depth it cuts k into).
///
/// # Safety
/// `a` and `b` must describe live matrices of those shapes, and `dst` have room for every
/// element at its strides (and hold them all, with `adds`).
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_into<E: Scalar>(
    m: usize,
    n: usize,
    k: usize,
    dst: *mut E,
    (dst_row, dst_column): (isize, isize),
    a: &Operand<E>,
    b: &Operand<E>,
    adds: bool,
    parallelism: gemm::Parallelism,
) {
    let kept = if adds { E::ONE } else { E::ZERO };
    // SAFETY: as the caller guarantees.
    unsafe {
        gemm::gemm::<E>(
            m,
            n,
            k,
            dst,
            dst_column,
            dst_row,
            adds,
            a.start,
            a.column_stride,
            a.row_stride,
            b.start,
            b.column_stride,
            b.row_stride,
            kept,
            E::ONE,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// (row stride, column stride) of a matrix, in elements.
fn strides_2d(x: &FlexTensor) -> (isize, isize) {
    let strides = x.layout().strides();
    (strides[0], strides[1])
}
