//! Dense row-major matrices of `f64` with the handful of operations the
//! solver needs: arithmetic, transposition, LU decomposition and solving.

use std::fmt;
use std::ops::{Add, Index, IndexMut, Mul, Sub};

/// Pivots smaller than this are treated as zero.
pub const EPSILON: f64 = 1e-12;

#[derive(Debug, Clone, PartialEq)]
pub enum MatrixError {
    DimensionMismatch { left: (usize, usize), right: (usize, usize) },
    NotSquare { rows: usize, cols: usize },
    Singular,
    Empty,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatrixError::DimensionMismatch { left, right } => write!(
                f,
                "dimension mismatch: {}x{} vs {}x{}",
                left.0, left.1, right.0, right.1
            ),
            MatrixError::NotSquare { rows, cols } => {
                write!(f, "matrix is not square: {}x{}", rows, cols)
            }
            MatrixError::Singular => write!(f, "matrix is singular"),
            MatrixError::Empty => write!(f, "matrix is empty"),
        }
    }
}

impl std::error::Error for MatrixError {}

#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }

    pub fn identity(n: usize) -> Self {
        let mut m = Matrix::zeros(n, n);
        for i in 0..n {
            m[(i, i)] = 1.0;
        }
        m
    }

    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self, MatrixError> {
        if rows.is_empty() || rows[0].is_empty() {
            return Err(MatrixError::Empty);
        }
        let cols = rows[0].len();
        let mut data = Vec::with_capacity(rows.len() * cols);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != cols {
                return Err(MatrixError::DimensionMismatch {
                    left: (i, row.len()),
                    right: (i, cols),
                });
            }
            data.extend_from_slice(row);
        }
        Ok(Matrix { rows: rows.len(), cols, data })
    }

    pub fn from_fn<F: Fn(usize, usize) -> f64>(rows: usize, cols: usize, f: F) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for c in 0..cols {
                data.push(f(r, c));
            }
        }
        Matrix { rows, cols, data }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    pub fn is_square(&self) -> bool {
        self.rows == self.cols
    }

    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    pub fn column(&self, c: usize) -> Vec<f64> {
        (0..self.rows).map(|r| self[(r, c)]).collect()
    }

    pub fn transpose(&self) -> Matrix {
        let mut out = Matrix::zeros(self.cols, self.rows);
        for r in 0..self.rows {
            for c in 0..self.cols {
                out[(c, r)] = self[(r, c)];
            }
        }
        out
    }

    pub fn scale(&self, factor: f64) -> Matrix {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|v| v * factor).collect(),
        }
    }

    pub fn trace(&self) -> Result<f64, MatrixError> {
        if !self.is_square() {
            return Err(MatrixError::NotSquare { rows: self.rows, cols: self.cols });
        }
        Ok((0..self.rows).map(|i| self[(i, i)]).sum())
    }

    pub fn frobenius_norm(&self) -> f64 {
        self.data.iter().map(|v| v * v).sum::<f64>().sqrt()
    }

    pub fn max_abs(&self) -> f64 {
        self.data.iter().fold(0.0_f64, |acc, v| acc.max(v.abs()))
    }

    fn check_same_shape(&self, other: &Matrix) -> Result<(), MatrixError> {
        if self.shape() != other.shape() {
            return Err(MatrixError::DimensionMismatch {
                left: self.shape(),
                right: other.shape(),
            });
        }
        Ok(())
    }

    pub fn try_add(&self, other: &Matrix) -> Result<Matrix, MatrixError> {
        self.check_same_shape(other)?;
        let data = self.data.iter().zip(&other.data).map(|(a, b)| a + b).collect();
        Ok(Matrix { rows: self.rows, cols: self.cols, data })
    }

    pub fn try_sub(&self, other: &Matrix) -> Result<Matrix, MatrixError> {
        self.check_same_shape(other)?;
        let data = self.data.iter().zip(&other.data).map(|(a, b)| a - b).collect();
        Ok(Matrix { rows: self.rows, cols: self.cols, data })
    }

    pub fn try_mul(&self, other: &Matrix) -> Result<Matrix, MatrixError> {
        if self.cols != other.rows {
            return Err(MatrixError::DimensionMismatch {
                left: self.shape(),
                right: other.shape(),
            });
        }
        let mut out = Matrix::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self[(i, k)];
                if a == 0.0 {
                    continue;
                }
                for j in 0..other.cols {
                    out[(i, j)] += a * other[(k, j)];
                }
            }
        }
        Ok(out)
    }

    pub fn mul_vec(&self, v: &[f64]) -> Result<Vec<f64>, MatrixError> {
        if v.len() != self.cols {
            return Err(MatrixError::DimensionMismatch {
                left: self.shape(),
                right: (v.len(), 1),
            });
        }
        let mut out = vec![0.0; self.rows];
        for r in 0..self.rows {
            out[r] = self.row(r).iter().zip(v).map(|(a, b)| a * b).sum();
        }
        Ok(out)
    }

    /// Swaps two rows in place.
    pub fn swap_rows(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        let cols = self.cols;
        for c in 0..cols {
            self.data.swap(a * cols + c, b * cols + c);
        }
    }

    /// Computes the LU decomposition with partial pivoting.
    ///
    /// Returns the combined LU matrix (unit lower triangle implied), the row
    /// permutation and the sign of the permutation.
    pub fn lu(&self) -> Result<(Matrix, Vec<usize>, f64), MatrixError> {
        if !self.is_square() {
            return Err(MatrixError::NotSquare { rows: self.rows, cols: self.cols });
        }
        let n = self.rows;
        let mut lu = self.clone();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut sign = 1.0;
        for k in 0..n {
            let mut pivot_row = k;
            let mut pivot_val = lu[(k, k)].abs();
            for r in (k + 1)..n {
                let v = lu[(r, k)].abs();
                if v > pivot_val {
                    pivot_val = v;
                    pivot_row = r;
                }
            }
            if pivot_val < EPSILON {
                return Err(MatrixError::Singular);
            }
            if pivot_row != k {
                lu.swap_rows(pivot_row, k);
                perm.swap(pivot_row, k);
                sign = -sign;
            }
            let pivot = lu[(k, k)];
            for r in (k + 1)..n {
                let factor = lu[(r, k)] / pivot;
                lu[(r, k)] = factor;
                for c in (k + 1)..n {
                    let delta = factor * lu[(k, c)];
                    lu[(r, c)] -= delta;
                }
            }
        }
        Ok((lu, perm, sign))
    }

    pub fn determinant(&self) -> Result<f64, MatrixError> {
        match self.lu() {
            Ok((lu, _, sign)) => Ok((0..self.rows).map(|i| lu[(i, i)]).product::<f64>() * sign),
            Err(MatrixError::Singular) => Ok(0.0),
            Err(e) => Err(e),
        }
    }

    /// Solves `self * x = b` for `x`.
    pub fn solve(&self, b: &[f64]) -> Result<Vec<f64>, MatrixError> {
        let (lu, perm, _) = self.lu()?;
        let n = self.rows;
        if b.len() != n {
            return Err(MatrixError::DimensionMismatch {
                left: self.shape(),
                right: (b.len(), 1),
            });
        }
        let mut y = vec![0.0; n];
        for i in 0..n {
            let mut sum = b[perm[i]];
            for j in 0..i {
                sum -= lu[(i, j)] * y[j];
            }
            y[i] = sum;
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let mut sum = y[i];
            for j in (i + 1)..n {
                sum -= lu[(i, j)] * x[j];
            }
            x[i] = sum / lu[(i, i)];
        }
        Ok(x)
    }

    pub fn inverse(&self) -> Result<Matrix, MatrixError> {
        let n = self.rows;
        let mut out = Matrix::zeros(n, n);
        for c in 0..n {
            let mut e = vec![0.0; n];
            e[c] = 1.0;
            let col = self.solve(&e)?;
            for r in 0..n {
                out[(r, c)] = col[r];
            }
        }
        Ok(out)
    }

    /// Copies a rectangular block out of the matrix.
    pub fn submatrix(&self, row0: usize, col0: usize, rows: usize, columns: usize) -> Matrix {
        assert!(row0 + rows <= self.rows, "row range out of bounds");
        assert!(col0 + columns <= self.cols, "column range out of bounds");
        let mut out = Matrix::zeros(rows, columns);
        for r in 0..rows {
            let src = (row0 + r) * self.cols + col0;
            let dst = r * columns;
            out.data[dst..dst + columns].copy_from_slice(&self.data[src..src + columns]);
        }
        out
    }

    pub fn approx_eq(&self, other: &Matrix, tolerance: f64) -> bool {
        self.shape() == other.shape()
            && self
                .data
                .iter()
                .zip(&other.data)
                .all(|(a, b)| (a - b).abs() <= tolerance)
    }
}

impl Index<(usize, usize)> for Matrix {
    type Output = f64;

    fn index(&self, (r, c): (usize, usize)) -> &f64 {
        assert!(r < self.rows && c < self.cols, "index out of bounds");
        &self.data[r * self.cols + c]
    }
}

impl IndexMut<(usize, usize)> for Matrix {
    fn index_mut(&mut self, (r, c): (usize, usize)) -> &mut f64 {
        assert!(r < self.rows && c < self.cols, "index out of bounds");
        &mut self.data[r * self.cols + c]
    }
}

impl Add for &Matrix {
    type Output = Matrix;

    fn add(self, other: &Matrix) -> Matrix {
        self.try_add(other).expect("matrix addition")
    }
}

impl Sub for &Matrix {
    type Output = Matrix;

    fn sub(self, other: &Matrix) -> Matrix {
        self.try_sub(other).expect("matrix subtraction")
    }
}

impl Mul for &Matrix {
    type Output = Matrix;

    fn mul(self, other: &Matrix) -> Matrix {
        self.try_mul(other).expect("matrix multiplication")
    }
}

impl fmt::Display for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision().unwrap_or(3);
        for r in 0..self.rows {
            let cells: Vec<String> = self
                .row(r)
                .iter()
                .map(|v| format!("{:>10.*}", precision, v))
                .collect();
            writeln!(f, "[{}]", cells.join(" "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[f64]]) -> Matrix {
        Matrix::from_rows(&rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn identity_is_neutral() {
        let a = m(&[&[1.0, 2.0], &[3.0, 4.0]]);
        assert_eq!(&a * &Matrix::identity(2), a);
    }

    #[test]
    fn transpose_twice() {
        let a = m(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]]);
        assert_eq!(a.transpose().transpose(), a);
        assert_eq!(a.transpose().shape(), (3, 2));
    }

    #[test]
    fn determinant_of_known_matrix() {
        let a = m(&[&[2.0, 0.0, 1.0], &[1.0, 3.0, 2.0], &[1.0, 1.0, 2.0]]);
        assert!((a.determinant().unwrap() - 6.0).abs() < 1e-9);
    }

    #[test]
    fn solve_round_trip() {
        let a = m(&[&[4.0, -2.0, 1.0], &[-2.0, 4.0, -2.0], &[1.0, -2.0, 4.0]]);
        let b = [11.0, -16.0, 17.0];
        let x = a.solve(&b).unwrap();
        let back = a.mul_vec(&x).unwrap();
        for (u, v) in back.iter().zip(b.iter()) {
            assert!((u - v).abs() < 1e-9);
        }
    }

    #[test]
    fn singular_matrix_is_reported() {
        let a = m(&[&[1.0, 2.0], &[2.0, 4.0]]);
        assert_eq!(a.lu().unwrap_err(), MatrixError::Singular);
        assert_eq!(a.determinant().unwrap(), 0.0);
    }

    #[test]
    fn inverse_times_self_is_identity() {
        let a = m(&[&[3.0, 1.0], &[2.0, 5.0]]);
        let inv = a.inverse().unwrap();
        assert!((&a * &inv).approx_eq(&Matrix::identity(2), 1e-9));
    }

    #[test]
    fn submatrix_copies_block() {
        let a = Matrix::from_fn(4, 4, |r, c| (r * 4 + c) as f64);
        let b = a.submatrix(1, 2, 2, 2);
        assert_eq!(b, m(&[&[6.0, 7.0], &[10.0, 11.0]]));
    }
}
