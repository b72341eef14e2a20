//! Which last columns of a product the fused products compute apart ([`super::products`]),
//! and over which depths, so that gemm's kernels run on whole vector registers and the results
//! stay gemm's own, bit for bit.

use burn::tensor::Element;

/// The last columns of a product computed apart, and the depth (a share of k) each of their
/// products sums over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// How many of the last columns.
    pub columns: usize,
    /// The depth of each of their products.
    pub depth: usize,
}

/// Which of the output's last columns a product computes apart: `n mod lanes`, when they
/// fill less than half of a register (then the second product, which packs its operands
/// again, costs less than the lanes it saves: 4 of AVX-512's 16 f32 lanes, not 4 of AVX2's 8).
///
/// The split keeps the products' values bit for bit: each element is still one chain of fused
/// multiply-adds over k, cut where gemm cuts it for the whole product.
/// - gemm cuts k by its cache model, except for outputs of at most 64 × 64, which it cuts at
///   512. Past k = 512 the whole product and the first columns (more than 64 rows each, in
///   gemm's orientation) are cut by the model; the column block is too when it has more than 64
///   rows, and otherwise it is computed in products of the model's depth, one after the other.
/// - gemm sums outputs of at most 256 elements whose operands are contiguous along k
///   (`along_k`: the left one's columns and the right one's rows one element apart) with
///   horizontal dot products, one column as a matrix-vector product, and k ≤ 2 apart: the
///   column block stays clear of those.
pub fn split_of<E: Element>(m: usize, n: usize, k: usize, along_k: bool) -> Option<Split> {
    let lanes = vector_lanes::<E>();
    if lanes == 0 || n <= lanes || k <= 2 {
        return None;
    }
    let columns = n % lanes;
    let head = n - columns;
    let horizontal = m * columns <= 256 && along_k;
    if columns < 2 || 2 * columns >= lanes || m < 2 || horizontal {
        return None;
    }
    if k <= 512 || m > 64 {
        return Some(Split { columns, depth: k });
    }
    if head <= 64 {
        return None;
    }
    let depth = whole_product_depth::<E>(n, m, k)?;
    (depth <= 512).then_some(Split { columns, depth })
}

/// The depth gemm sums a product over at once when its cache model cuts k (outputs above
/// 64 × 64), for `rows` × `columns` in its own orientation: known here for f32 on AVX-512,
/// whose kernel gemm 0.19 runs as 4 registers of 16 lanes by 6 columns.
fn whole_product_depth<E: Element>(rows: usize, columns: usize, k: usize) -> Option<usize> {
    const KERNEL: (usize, usize) = (4 * 16, 6);
    let f32_avx512 = E::dtype() == burn::tensor::DType::F32 && vector_lanes::<E>() == 16;
    f32_avx512
        .then(|| gemm_common::cache::kernel_params(rows, columns, k, KERNEL.0, KERNEL.1, 4).kc)
}

/// Elements of `E` in one of gemm's vector registers on this CPU (0 where it is not known).
fn vector_lanes<E>() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let bytes = if std::arch::is_x86_feature_detected!("avx512f") {
            64
        } else if std::arch::is_x86_feature_detected!("fma") {
            32
        } else {
            return 0;
        };
        bytes / std::mem::size_of::<E>()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        0
    }
}
