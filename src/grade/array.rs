//! A small f64 array for the grader: what a student's function returned, the reference in the
//! student's layout, and the known wrong variants computed from it. Row-major; 0 to 2
//! dimensions are all the lab needs (a scalar loss, `(n,)` vectors, matrices).

/// An array of f64 with its shape, row-major (a scalar has shape `[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values, row-major.
    pub data: Vec<f64>,
}

impl Array {
    /// An array of `shape` from row-major values.
    pub fn new(shape: Vec<usize>, data: Vec<f64>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Self { shape, data }
    }

    /// A scalar (shape `[]`).
    pub fn scalar(value: f64) -> Self {
        Self::new(Vec::new(), vec![value])
    }

    /// `rows × columns` values, row-major.
    pub fn matrix(rows: usize, columns: usize, data: Vec<f64>) -> Self {
        Self::new(vec![rows, columns], data)
    }

    /// (rows, columns) of a matrix; a vector `(n,)` reads as one row.
    pub fn dims2(&self) -> (usize, usize) {
        match self.shape.as_slice() {
            [r, c] => (*r, *c),
            [n] => (1, *n),
            _ => (1, self.data.len()),
        }
    }

    /// The transpose of a matrix.
    pub fn t(&self) -> Self {
        let (r, c) = self.dims2();
        let mut data = vec![0.0; r * c];
        for i in 0..r {
            for j in 0..c {
                data[j * r + i] = self.data[i * c + j];
            }
        }
        Self::matrix(c, r, data)
    }

    /// The same values under another shape (as NumPy's `reshape`).
    pub fn reshaped(&self, shape: Vec<usize>) -> Self {
        Self::new(shape, self.data.clone())
    }

    /// `self · other` for matrices `[r, k] · [k, c]`.
    pub fn matmul(&self, other: &Array) -> Self {
        let (r, k) = self.dims2();
        let (k2, c) = other.dims2();
        assert_eq!(k, k2, "inner dimensions");
        let mut data = vec![0.0; r * c];
        for i in 0..r {
            for p in 0..k {
                let a = self.data[i * k + p];
                if a == 0.0 {
                    continue;
                }
                let row = &other.data[p * c..(p + 1) * c];
                for (out, b) in data[i * c..(i + 1) * c].iter_mut().zip(row) {
                    *out += a * b;
                }
            }
        }
        Self::matrix(r, c, data)
    }

    /// `f` of every entry.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        Self::new(
            self.shape.clone(),
            self.data.iter().map(|&x| f(x)).collect(),
        )
    }

    /// `f(a, b)` entry by entry of two arrays of one shape.
    pub fn zip(&self, other: &Array, f: impl Fn(f64, f64) -> f64) -> Self {
        assert_eq!(self.shape, other.shape, "one shape");
        let data = self.data.iter().zip(&other.data).map(|(&a, &b)| f(a, b));
        Self::new(self.shape.clone(), data.collect())
    }

    /// Every entry × `factor`.
    pub fn scaled(&self, factor: f64) -> Self {
        self.map(|x| x * factor)
    }

    /// Sums of a matrix over `axis` (0: down the columns, giving `[1, c]`; 1: along the rows,
    /// giving `[r, 1]`), as NumPy's `sum(axis, keepdims=True)`.
    pub fn sum_axis(&self, axis: usize) -> Self {
        let (r, c) = self.dims2();
        if axis == 0 {
            let mut data = vec![0.0; c];
            for i in 0..r {
                for (j, out) in data.iter_mut().enumerate() {
                    *out += self.data[i * c + j];
                }
            }
            Self::matrix(1, c, data)
        } else {
            let data = (0..r)
                .map(|i| self.data[i * c..(i + 1) * c].iter().sum())
                .collect();
            Self::matrix(r, 1, data)
        }
    }

    /// The sum of every entry.
    pub fn total(&self) -> f64 {
        self.data.iter().sum()
    }

    /// The largest |entry| (0 for an empty array).
    pub fn max_abs(&self) -> f64 {
        self.data.iter().fold(0.0, |m, x| m.max(x.abs()))
    }

    /// The shape as Python writes it: `(132, 784)`, `(132,)`, `()`.
    pub fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }

    /// The position of flat index `index` as Python writes it: `(3, 17)`.
    pub fn position(&self, index: usize) -> String {
        let mut rest = index;
        let mut coordinates = vec![0; self.shape.len()];
        for (k, &d) in self.shape.iter().enumerate().rev() {
            coordinates[k] = rest % d.max(1);
            rest /= d.max(1);
        }
        let parts: Vec<String> = coordinates.iter().map(usize::to_string).collect();
        if parts.len() == 1 {
            format!("[{}]", parts[0])
        } else {
            format!("[{}]", parts.join(", "))
        }
    }
}

/// A shape as Python writes it: `(132, 784)`, `(132,)`, `()`.
pub fn shape_text(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        dims => {
            let parts: Vec<String> = dims.iter().map(usize::to_string).collect();
            format!("({})", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_matmul_and_sums() {
        let a = Array::matrix(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(a.t().shape, vec![3, 2]);
        assert_eq!(a.t().data, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        let p = a.matmul(&a.t());
        assert_eq!(p.data, vec![14.0, 32.0, 32.0, 77.0]);
        assert_eq!(a.sum_axis(0).data, vec![5.0, 7.0, 9.0]);
        assert_eq!(a.sum_axis(1).data, vec![6.0, 15.0]);
        assert_eq!(a.sum_axis(1).shape, vec![2, 1]);
        assert_eq!(a.position(4), "[1, 1]");
        assert_eq!(shape_text(&[132]), "(132,)");
    }
}
