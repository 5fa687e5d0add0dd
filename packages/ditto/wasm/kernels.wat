;; ditto's WebAssembly kernels: fixed-width SIMD (f32x4 / f64x2), no relaxed SIMD, no fused multiply-add.
;;
;; Every kernel reproduces the reference TypeScript backend (src/backend/js/js-backend.ts) bit for bit:
;; vector lanes only ever hold *different outputs*, never parts of one reduction, so each output sees
;; exactly the reference's sequence of rounded operations. docs/wasm-backend.md explains the design.
;;
;; Conventions: pointers are byte addresses into the exported memory; counts and strides are in
;; elements unless a name ends in `Bytes`. Bytes below `heap_base` (exported) are kernel scratch;
;; the host allocates its buffers from there up and leaves at least 32 bytes of slack after each one,
;; because a kernel may *read* a whole vector past the end of a buffer (it never stores past the end
;; of an output).

(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------------------------------------
  ;; Partial stores: the last vector of a row may hold fewer than 4 (or 2) outputs.

  ;; Stores the first min(count, 4) lanes of v at p (nothing when count <= 0).
  (func $store_f32x4 (param $p i32) (param $v v128) (param $count i32)
    (if (i32.ge_s (local.get $count) (i32.const 4))
      (then (v128.store (local.get $p) (local.get $v)) (return)))
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (v128.store32_lane 0 (local.get $p) (local.get $v))
    (if (i32.eq (local.get $count) (i32.const 1)) (then (return)))
    (v128.store32_lane offset=4 1 (local.get $p) (local.get $v))
    (if (i32.eq (local.get $count) (i32.const 2)) (then (return)))
    (v128.store32_lane offset=8 2 (local.get $p) (local.get $v)))

  ;; Stores the first min(count, 2) lanes of v at p (nothing when count <= 0).
  (func $store_f64x2 (param $p i32) (param $v v128) (param $count i32)
    (if (i32.ge_s (local.get $count) (i32.const 2))
      (then (v128.store (local.get $p) (local.get $v)) (return)))
    (if (i32.eq (local.get $count) (i32.const 1))
      (then (v128.store64_lane 0 (local.get $p) (local.get $v)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Matmul. out[i, j] = Σ_p op(a)[i, p] · op(b)[p, j], accumulated from +0 in ascending p, each
  ;; product and each sum rounded (f32x4.mul, f32x4.add). The four lanes of an accumulator are four
  ;; neighbouring outputs j..j+3 of one row, so vectorising never reorders a sum.
  ;;
  ;; op(b) is first packed into panels of 8 (f32) or 4 (f64) columns: panel q holds columns of
  ;; op(b) starting at 8q as k consecutive 32-byte rows, zero-padded past n. This handles transposeB
  ;; and ragged n in one place; op(a) is read one scalar at a time through its two strides, which
  ;; handles transposeA without packing.

  ;; Packs op(b)[p, j] = src[p·rowStride + j·colStride] into 8-column panels at dst (f32).
  (func (export "pack_b_f32") (param $src i32) (param $rowStride i32) (param $colStride i32)
    (param $dst i32) (param $k i32) (param $n i32)
    (local $j0 i32) (local $p i32) (local $c i32) (local $row i32)
    (local.set $rowStride (i32.shl (local.get $rowStride) (i32.const 2)))
    (local.set $colStride (i32.shl (local.get $colStride) (i32.const 2)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $p (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $p) (local.get $k)))
            ;; row = address of op(b)[p, j0]
            (local.set $row
              (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $p) (local.get $rowStride))
                  (i32.mul (local.get $j0) (local.get $colStride)))))
            (if (i32.and (i32.eq (local.get $colStride) (i32.const 4))
                  (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n)))
              (then
                (v128.store (local.get $dst) (v128.load (local.get $row)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $row))))
              (else
                ;; Bit copies (i32) so the packed panel holds exactly the input's bits.
                (local.set $c (i32.const 0))
                (loop $cols
                  (i32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                    (if (result i32) (i32.lt_s (i32.add (local.get $j0) (local.get $c)) (local.get $n))
                      (then (i32.load (i32.add (local.get $row) (i32.mul (local.get $c) (local.get $colStride)))))
                      (else (i32.const 0))))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (br_if $cols (i32.lt_s (local.get $c) (i32.const 8))))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))

  ;; 4 rows × 8 columns of out from one panel. a = &op(a)[i0, 0]; aRowBytes / aColBytes step to the
  ;; next row / next p; cols = outputs of each row that exist (stores stop there).
  (func $mm_f32_4x8 (param $a i32) (param $aRowBytes i32) (param $aColBytes i32) (param $panel i32)
    (param $k i32) (param $out i32) (param $outRowBytes i32) (param $cols i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    ;; Accumulators start as +0 in every lane (locals are zero-initialised).
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $aRowBytes)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $aRowBytes)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $aRowBytes)))
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $p
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $b0 (v128.load (local.get $panel)))
        (local.set $b1 (v128.load offset=16 (local.get $panel)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load32_splat (local.get $a1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load32_splat (local.get $a2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load32_splat (local.get $a3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (local.get $aColBytes)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $aColBytes)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $aColBytes)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $aColBytes)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $p)))
    (call $store_f32x4 (local.get $out) (local.get $c00) (local.get $cols))
    (call $store_f32x4 (i32.add (local.get $out) (i32.const 16)) (local.get $c01) (i32.sub (local.get $cols) (i32.const 4)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f32x4 (local.get $out) (local.get $c10) (local.get $cols))
    (call $store_f32x4 (i32.add (local.get $out) (i32.const 16)) (local.get $c11) (i32.sub (local.get $cols) (i32.const 4)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f32x4 (local.get $out) (local.get $c20) (local.get $cols))
    (call $store_f32x4 (i32.add (local.get $out) (i32.const 16)) (local.get $c21) (i32.sub (local.get $cols) (i32.const 4)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f32x4 (local.get $out) (local.get $c30) (local.get $cols))
    (call $store_f32x4 (i32.add (local.get $out) (i32.const 16)) (local.get $c31) (i32.sub (local.get $cols) (i32.const 4))))

  ;; 1 row × 8 columns (the m mod 4 leftover rows).
  (func $mm_f32_1x8 (param $a i32) (param $aColBytes i32) (param $panel i32) (param $k i32)
    (param $out i32) (param $cols i32)
    (local $end i32) (local $s v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $p
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (v128.load (local.get $panel)))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $panel)))))
        (local.set $a (i32.add (local.get $a) (local.get $aColBytes)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $p)))
    (call $store_f32x4 (local.get $out) (local.get $c0) (local.get $cols))
    (call $store_f32x4 (i32.add (local.get $out) (i32.const 16)) (local.get $c1) (i32.sub (local.get $cols) (i32.const 4))))

  ;; out[m×n] (contiguous) = op(a) · panels; op(a)[i, p] = a[i·aRowStride + p·aColStride].
  ;; Panel-major order keeps one panel (k × 32 bytes) hot in cache while all rows of a stream past.
  (func (export "matmul_f32") (param $a i32) (param $aRowStride i32) (param $aColStride i32)
    (param $panels i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (local $j0 i32) (local $i i32) (local $panel i32) (local $outRowBytes i32) (local $outCol i32)
    (local.set $aRowStride (i32.shl (local.get $aRowStride) (i32.const 2)))
    (local.set $aColStride (i32.shl (local.get $aColStride) (i32.const 2)))
    (local.set $outRowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_s (local.get $j0) (local.get $n)))
        ;; panel j0/8 starts at (j0/8)·k·32 = j0·k·4 bytes
        (local.set $panel (i32.add (local.get $panels) (i32.shl (i32.mul (local.get $j0) (local.get $k)) (i32.const 2))))
        (local.set $outCol (i32.add (local.get $out) (i32.shl (local.get $j0) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (call $mm_f32_4x8
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRowStride)))
              (local.get $aRowStride) (local.get $aColStride) (local.get $panel) (local.get $k)
              (i32.add (local.get $outCol) (i32.mul (local.get $i) (local.get $outRowBytes)))
              (local.get $outRowBytes) (i32.sub (local.get $n) (local.get $j0)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        (block $singles_done
          (loop $singles
            (br_if $singles_done (i32.ge_s (local.get $i) (local.get $m)))
            (call $mm_f32_1x8
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRowStride)))
              (local.get $aColStride) (local.get $panel) (local.get $k)
              (i32.add (local.get $outCol) (i32.mul (local.get $i) (local.get $outRowBytes)))
              (i32.sub (local.get $n) (local.get $j0)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $singles)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $columns))))

  ;; float64: the same scheme with 4-column panels (two f64x2 per 32-byte panel row).
  (func (export "pack_b_f64") (param $src i32) (param $rowStride i32) (param $colStride i32)
    (param $dst i32) (param $k i32) (param $n i32)
    (local $j0 i32) (local $p i32) (local $c i32) (local $row i32)
    (local.set $rowStride (i32.shl (local.get $rowStride) (i32.const 3)))
    (local.set $colStride (i32.shl (local.get $colStride) (i32.const 3)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $p (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $row
              (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $p) (local.get $rowStride))
                  (i32.mul (local.get $j0) (local.get $colStride)))))
            (if (i32.and (i32.eq (local.get $colStride) (i32.const 8))
                  (i32.le_s (i32.add (local.get $j0) (i32.const 4)) (local.get $n)))
              (then
                (v128.store (local.get $dst) (v128.load (local.get $row)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $row))))
              (else
                (local.set $c (i32.const 0))
                (loop $cols
                  (i64.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 3)))
                    (if (result i64) (i32.lt_s (i32.add (local.get $j0) (local.get $c)) (local.get $n))
                      (then (i64.load (i32.add (local.get $row) (i32.mul (local.get $c) (local.get $colStride)))))
                      (else (i64.const 0))))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (br_if $cols (i32.lt_s (local.get $c) (i32.const 4))))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 4)))
        (br $panels))))

  (func $mm_f64_4x4 (param $a i32) (param $aRowBytes i32) (param $aColBytes i32) (param $panel i32)
    (param $k i32) (param $out i32) (param $outRowBytes i32) (param $cols i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $aRowBytes)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $aRowBytes)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $aRowBytes)))
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $p
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $b0 (v128.load (local.get $panel)))
        (local.set $b1 (v128.load offset=16 (local.get $panel)))
        (local.set $s (v128.load64_splat (local.get $a)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $s) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load64_splat (local.get $a1)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $s) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load64_splat (local.get $a2)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $s) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $s) (local.get $b1))))
        (local.set $s (v128.load64_splat (local.get $a3)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $s) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $s) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (local.get $aColBytes)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $aColBytes)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $aColBytes)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $aColBytes)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $p)))
    (call $store_f64x2 (local.get $out) (local.get $c00) (local.get $cols))
    (call $store_f64x2 (i32.add (local.get $out) (i32.const 16)) (local.get $c01) (i32.sub (local.get $cols) (i32.const 2)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f64x2 (local.get $out) (local.get $c10) (local.get $cols))
    (call $store_f64x2 (i32.add (local.get $out) (i32.const 16)) (local.get $c11) (i32.sub (local.get $cols) (i32.const 2)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f64x2 (local.get $out) (local.get $c20) (local.get $cols))
    (call $store_f64x2 (i32.add (local.get $out) (i32.const 16)) (local.get $c21) (i32.sub (local.get $cols) (i32.const 2)))
    (local.set $out (i32.add (local.get $out) (local.get $outRowBytes)))
    (call $store_f64x2 (local.get $out) (local.get $c30) (local.get $cols))
    (call $store_f64x2 (i32.add (local.get $out) (i32.const 16)) (local.get $c31) (i32.sub (local.get $cols) (i32.const 2))))

  (func $mm_f64_1x4 (param $a i32) (param $aColBytes i32) (param $panel i32) (param $k i32)
    (param $out i32) (param $cols i32)
    (local $end i32) (local $s v128) (local $c0 v128) (local $c1 v128)
    (local.set $end (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 5))))
    (block $done
      (loop $p
        (br_if $done (i32.ge_u (local.get $panel) (local.get $end)))
        (local.set $s (v128.load64_splat (local.get $a)))
        (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $s) (v128.load (local.get $panel)))))
        (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $panel)))))
        (local.set $a (i32.add (local.get $a) (local.get $aColBytes)))
        (local.set $panel (i32.add (local.get $panel) (i32.const 32)))
        (br $p)))
    (call $store_f64x2 (local.get $out) (local.get $c0) (local.get $cols))
    (call $store_f64x2 (i32.add (local.get $out) (i32.const 16)) (local.get $c1) (i32.sub (local.get $cols) (i32.const 2))))

  (func (export "matmul_f64") (param $a i32) (param $aRowStride i32) (param $aColStride i32)
    (param $panels i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (local $j0 i32) (local $i i32) (local $panel i32) (local $outRowBytes i32) (local $outCol i32)
    (local.set $aRowStride (i32.shl (local.get $aRowStride) (i32.const 3)))
    (local.set $aColStride (i32.shl (local.get $aColStride) (i32.const 3)))
    (local.set $outRowBytes (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_s (local.get $j0) (local.get $n)))
        ;; panel j0/4 starts at (j0/4)·k·32 = j0·k·8 bytes
        (local.set $panel (i32.add (local.get $panels) (i32.shl (i32.mul (local.get $j0) (local.get $k)) (i32.const 3))))
        (local.set $outCol (i32.add (local.get $out) (i32.shl (local.get $j0) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (call $mm_f64_4x4
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRowStride)))
              (local.get $aRowStride) (local.get $aColStride) (local.get $panel) (local.get $k)
              (i32.add (local.get $outCol) (i32.mul (local.get $i) (local.get $outRowBytes)))
              (local.get $outRowBytes) (i32.sub (local.get $n) (local.get $j0)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        (block $singles_done
          (loop $singles
            (br_if $singles_done (i32.ge_s (local.get $i) (local.get $m)))
            (call $mm_f64_1x4
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRowStride)))
              (local.get $aColStride) (local.get $panel) (local.get $k)
              (i32.add (local.get $outCol) (i32.mul (local.get $i) (local.get $outRowBytes)))
              (i32.sub (local.get $n) (local.get $j0)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $singles)))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 4)))
        (br $columns))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Binary elementwise ops over [outer × inner], each operand addressed as
  ;; operand[o·outerStride + i·innerStride] with innerStride 0 (broadcast) or 1 (contiguous).
  ;; Op codes: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum.
  ;; maximum / minimum follow the reference exactly: the canonical NaN (the reference returns
  ;; Number.NaN, stored as 0x7fc00000 / 0x7ff8000000000000) if either is NaN, otherwise a on ties (so
  ;; maximum(−0, +0) = −0), which neither f32x4.max nor f32x4.pmax does.

  (func $binop_f32 (param $op i32) (param $a v128) (param $b v128) (result v128)
    (block $min
      (block $max
        (block $div
          (block $mul
            (block $sub
              (block $add
                (br_table $add $sub $mul $div $max $min (local.get $op)))
              (return (f32x4.add (local.get $a) (local.get $b))))
            (return (f32x4.sub (local.get $a) (local.get $b))))
          (return (f32x4.mul (local.get $a) (local.get $b))))
        (return (f32x4.div (local.get $a) (local.get $b))))
      (return (call $max_f32x4 (local.get $a) (local.get $b))))
    (call $min_f32x4 (local.get $a) (local.get $b)))

  ;; the canonical NaN where a or b is NaN, else a where a >= b, else b
  (func $max_f32x4 (param $a v128) (param $b v128) (result v128)
    (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)
      (v128.bitselect (local.get $a) (local.get $b) (f32x4.ge (local.get $a) (local.get $b)))
      (v128.or (f32x4.ne (local.get $a) (local.get $a)) (f32x4.ne (local.get $b) (local.get $b)))))

  (func $min_f32x4 (param $a v128) (param $b v128) (result v128)
    (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)
      (v128.bitselect (local.get $a) (local.get $b) (f32x4.le (local.get $a) (local.get $b)))
      (v128.or (f32x4.ne (local.get $a) (local.get $a)) (f32x4.ne (local.get $b) (local.get $b)))))

  (func $binop_f64 (param $op i32) (param $a v128) (param $b v128) (result v128)
    (block $min
      (block $max
        (block $div
          (block $mul
            (block $sub
              (block $add
                (br_table $add $sub $mul $div $max $min (local.get $op)))
              (return (f64x2.add (local.get $a) (local.get $b))))
            (return (f64x2.sub (local.get $a) (local.get $b))))
          (return (f64x2.mul (local.get $a) (local.get $b))))
        (return (f64x2.div (local.get $a) (local.get $b))))
      (return (call $max_f64x2 (local.get $a) (local.get $b))))
    (call $min_f64x2 (local.get $a) (local.get $b)))

  (func $max_f64x2 (param $a v128) (param $b v128) (result v128)
    (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000)
      (v128.bitselect (local.get $a) (local.get $b) (f64x2.ge (local.get $a) (local.get $b)))
      (v128.or (f64x2.ne (local.get $a) (local.get $a)) (f64x2.ne (local.get $b) (local.get $b)))))

  (func $min_f64x2 (param $a v128) (param $b v128) (result v128)
    (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000)
      (v128.bitselect (local.get $a) (local.get $b) (f64x2.le (local.get $a) (local.get $b)))
      (v128.or (f64x2.ne (local.get $a) (local.get $a)) (f64x2.ne (local.get $b) (local.get $b)))))

  ;; One row: out[i] = a[i & aMask] op b[i & bMask] in byte offsets, where a mask of 0 pins a
  ;; broadcast operand to its splatted copy and −1 walks a contiguous one. Whole vectors run in one
  ;; loop per op (V8 does not inline wasm calls, so a call per vector would cost more than the op);
  ;; the last 1..3 outputs go through $binop_f32 and a partial store.
  (func $binary_row_f32 (param $op i32) (param $a i32) (param $aMask i32) (param $b i32) (param $bMask i32)
    (param $out i32) (param $count i32)
    (local $i i32) (local $full i32) (local $x v128) (local $y v128)
    (local.set $full (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $tail
      (br_if $tail (i32.eqz (local.get $full)))
      (block $min
        (block $max
          (block $div
            (block $mul
              (block $sub
                (block $add
                  (br_table $add $sub $mul $div $max $min (local.get $op)))
                (loop $l
                  (v128.store (i32.add (local.get $out) (local.get $i))
                    (f32x4.add (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                      (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
                  (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
                (br $tail))
              (loop $l
                (v128.store (i32.add (local.get $out) (local.get $i))
                  (f32x4.sub (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                    (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
              (br $tail))
            (loop $l
              (v128.store (i32.add (local.get $out) (local.get $i))
                (f32x4.mul (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                  (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
            (br $tail))
          (loop $l
            (v128.store (i32.add (local.get $out) (local.get $i))
              (f32x4.div (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
          (br $tail))
        (loop $l
          (local.set $x (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask)))))
          (local.set $y (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask)))))
          (v128.store (i32.add (local.get $out) (local.get $i))
            (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)
              (v128.bitselect (local.get $x) (local.get $y) (f32x4.ge (local.get $x) (local.get $y)))
              (v128.or (f32x4.ne (local.get $x) (local.get $x)) (f32x4.ne (local.get $y) (local.get $y)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
        (br $tail))
      (loop $l
        (local.set $x (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask)))))
        (local.set $y (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask)))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)
            (v128.bitselect (local.get $x) (local.get $y) (f32x4.le (local.get $x) (local.get $y)))
            (v128.or (f32x4.ne (local.get $x) (local.get $x)) (f32x4.ne (local.get $y) (local.get $y)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full)))))
    (if (i32.and (local.get $count) (i32.const 3))
      (then
        (call $store_f32x4 (i32.add (local.get $out) (local.get $full))
          (call $binop_f32 (local.get $op)
            (v128.load (i32.add (local.get $a) (i32.and (local.get $full) (local.get $aMask))))
            (v128.load (i32.add (local.get $b) (i32.and (local.get $full) (local.get $bMask)))))
          (i32.and (local.get $count) (i32.const 3))))))

  (func $binary_row_f64 (param $op i32) (param $a i32) (param $aMask i32) (param $b i32) (param $bMask i32)
    (param $out i32) (param $count i32)
    (local $i i32) (local $full i32) (local $x v128) (local $y v128)
    (local.set $full (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 3)))
    (block $tail
      (br_if $tail (i32.eqz (local.get $full)))
      (block $min
        (block $max
          (block $div
            (block $mul
              (block $sub
                (block $add
                  (br_table $add $sub $mul $div $max $min (local.get $op)))
                (loop $l
                  (v128.store (i32.add (local.get $out) (local.get $i))
                    (f64x2.add (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                      (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
                  (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
                (br $tail))
              (loop $l
                (v128.store (i32.add (local.get $out) (local.get $i))
                  (f64x2.sub (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                    (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
              (br $tail))
            (loop $l
              (v128.store (i32.add (local.get $out) (local.get $i))
                (f64x2.mul (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                  (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
            (br $tail))
          (loop $l
            (v128.store (i32.add (local.get $out) (local.get $i))
              (f64x2.div (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask))))
                (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask))))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
          (br $tail))
        (loop $l
          (local.set $x (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask)))))
          (local.set $y (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask)))))
          (v128.store (i32.add (local.get $out) (local.get $i))
            (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000)
              (v128.bitselect (local.get $x) (local.get $y) (f64x2.ge (local.get $x) (local.get $y)))
              (v128.or (f64x2.ne (local.get $x) (local.get $x)) (f64x2.ne (local.get $y) (local.get $y)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full))))
        (br $tail))
      (loop $l
        (local.set $x (v128.load (i32.add (local.get $a) (i32.and (local.get $i) (local.get $aMask)))))
        (local.set $y (v128.load (i32.add (local.get $b) (i32.and (local.get $i) (local.get $bMask)))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000)
            (v128.bitselect (local.get $x) (local.get $y) (f64x2.le (local.get $x) (local.get $y)))
            (v128.or (f64x2.ne (local.get $x) (local.get $x)) (f64x2.ne (local.get $y) (local.get $y)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $full)))))
    (if (i32.and (local.get $count) (i32.const 1))
      (then
        (call $store_f64x2 (i32.add (local.get $out) (local.get $full))
          (call $binop_f64 (local.get $op)
            (v128.load (i32.add (local.get $a) (i32.and (local.get $full) (local.get $aMask))))
            (v128.load (i32.add (local.get $b) (i32.and (local.get $full) (local.get $bMask)))))
          (i32.const 1)))))

  ;; A broadcast operand (innerStride 0) is splatted once per outer row into scratch (a at byte 0,
  ;; b at byte 16) and read from there with mask 0.
  (func (export "binary_f32") (param $op i32) (param $a i32) (param $aOuter i32) (param $aInner i32)
    (param $b i32) (param $bOuter i32) (param $bInner i32) (param $out i32) (param $outer i32) (param $inner i32)
    (local $o i32) (local $ap i32) (local $bp i32) (local $aMask i32) (local $bMask i32)
    (local.set $aMask (select (i32.const -1) (i32.const 0) (local.get $aInner)))
    (local.set $bMask (select (i32.const -1) (i32.const 0) (local.get $bInner)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $ap (i32.add (local.get $a) (i32.shl (i32.mul (local.get $o) (local.get $aOuter)) (i32.const 2))))
        (if (i32.eqz (local.get $aInner))
          (then
            (v128.store (i32.const 0) (v128.load32_splat (local.get $ap)))
            (local.set $ap (i32.const 0))))
        (local.set $bp (i32.add (local.get $b) (i32.shl (i32.mul (local.get $o) (local.get $bOuter)) (i32.const 2))))
        (if (i32.eqz (local.get $bInner))
          (then
            (v128.store (i32.const 16) (v128.load32_splat (local.get $bp)))
            (local.set $bp (i32.const 16))))
        (call $binary_row_f32 (local.get $op) (local.get $ap) (local.get $aMask) (local.get $bp) (local.get $bMask)
          (local.get $out) (local.get $inner))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $inner) (i32.const 2))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))

  (func (export "binary_f64") (param $op i32) (param $a i32) (param $aOuter i32) (param $aInner i32)
    (param $b i32) (param $bOuter i32) (param $bInner i32) (param $out i32) (param $outer i32) (param $inner i32)
    (local $o i32) (local $ap i32) (local $bp i32) (local $aMask i32) (local $bMask i32)
    (local.set $aMask (select (i32.const -1) (i32.const 0) (local.get $aInner)))
    (local.set $bMask (select (i32.const -1) (i32.const 0) (local.get $bInner)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $ap (i32.add (local.get $a) (i32.shl (i32.mul (local.get $o) (local.get $aOuter)) (i32.const 3))))
        (if (i32.eqz (local.get $aInner))
          (then
            (v128.store (i32.const 0) (v128.load64_splat (local.get $ap)))
            (local.set $ap (i32.const 0))))
        (local.set $bp (i32.add (local.get $b) (i32.shl (i32.mul (local.get $o) (local.get $bOuter)) (i32.const 3))))
        (if (i32.eqz (local.get $bInner))
          (then
            (v128.store (i32.const 16) (v128.load64_splat (local.get $bp)))
            (local.set $bp (i32.const 16))))
        (call $binary_row_f64 (local.get $op) (local.get $ap) (local.get $aMask) (local.get $bp) (local.get $bMask)
          (local.get $out) (local.get $inner))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $inner) (i32.const 3))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Reduce x viewed as [outer, axis, inner] along axis. Lanes run across `inner` (independent
  ;; outputs); each lane accumulates its own axis in ascending order, as the reference does.
  ;; When inner = 1 there is nothing to vectorise across without reordering, so four rows are summed
  ;; side by side in scalar registers (independent dependency chains, same order within each).

  (func (export "reduce_sum_f32") (param $x i32) (param $out i32) (param $outer i32) (param $axis i32)
    (param $inner i32)
    (local $o i32) (local $i i32) (local $p i32) (local $end i32) (local $rowBytes i32) (local $acc v128)
    (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $blockBytes i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $blockBytes (i32.mul (local.get $axis) (local.get $rowBytes)))
    (if (i32.eq (local.get $inner) (i32.const 1))
      (then
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_s (i32.add (local.get $o) (i32.const 4)) (local.get $outer)))
            (local.set $s0 (f32.const 0)) (local.set $s1 (f32.const 0))
            (local.set $s2 (f32.const 0)) (local.set $s3 (f32.const 0))
            (local.set $p (local.get $x))
            (local.set $r1 (i32.add (local.get $p) (local.get $blockBytes)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $blockBytes)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $blockBytes)))
            (local.set $end (local.get $r1))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $s0 (f32.add (local.get $s0) (f32.load (local.get $p))))
                (local.set $s1 (f32.add (local.get $s1) (f32.load (local.get $r1))))
                (local.set $s2 (f32.add (local.get $s2) (f32.load (local.get $r2))))
                (local.set $s3 (f32.add (local.get $s3) (f32.load (local.get $r3))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
                (local.set $r2 (i32.add (local.get $r2) (i32.const 4)))
                (local.set $r3 (i32.add (local.get $r3) (i32.const 4)))
                (br $sum)))
            (f32.store (local.get $out) (local.get $s0))
            (f32.store offset=4 (local.get $out) (local.get $s1))
            (f32.store offset=8 (local.get $out) (local.get $s2))
            (f32.store offset=12 (local.get $out) (local.get $s3))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $x (i32.add (local.get $x) (i32.shl (local.get $blockBytes) (i32.const 2))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $quads)))
        (block $singles_done
          (loop $singles
            (br_if $singles_done (i32.ge_s (local.get $o) (local.get $outer)))
            (local.set $s0 (f32.const 0))
            (local.set $p (local.get $x))
            (local.set $end (i32.add (local.get $x) (local.get $blockBytes)))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $s0 (f32.add (local.get $s0) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $sum)))
            (f32.store (local.get $out) (local.get $s0))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $x (local.get $end))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $singles)))
        (return)))
    (block $outer_done
      (loop $blocks
        (br_if $outer_done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_s (local.get $i) (local.get $inner)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $end (i32.add (local.get $p) (local.get $blockBytes)))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (br $sum)))
            (call $store_f32x4 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $acc)
              (i32.sub (local.get $inner) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $lanes)))
        (local.set $x (i32.add (local.get $x) (local.get $blockBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $blocks))))

  (func (export "reduce_sum_f64") (param $x i32) (param $out i32) (param $outer i32) (param $axis i32)
    (param $inner i32)
    (local $o i32) (local $i i32) (local $p i32) (local $end i32) (local $rowBytes i32) (local $acc v128)
    (local $r1 i32) (local $blockBytes i32) (local $s0 f64) (local $s1 f64)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 3)))
    (local.set $blockBytes (i32.mul (local.get $axis) (local.get $rowBytes)))
    (if (i32.eq (local.get $inner) (i32.const 1))
      (then
        ;; Two rows side by side; the odd row out, if any, runs alone.
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.gt_s (i32.add (local.get $o) (i32.const 2)) (local.get $outer)))
            (local.set $s0 (f64.const 0)) (local.set $s1 (f64.const 0))
            (local.set $p (local.get $x))
            (local.set $r1 (i32.add (local.get $p) (local.get $blockBytes)))
            (local.set $end (local.get $r1))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $s0 (f64.add (local.get $s0) (f64.load (local.get $p))))
                (local.set $s1 (f64.add (local.get $s1) (f64.load (local.get $r1))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $r1 (i32.add (local.get $r1) (i32.const 8)))
                (br $sum)))
            (f64.store (local.get $out) (local.get $s0))
            (f64.store offset=8 (local.get $out) (local.get $s1))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $x (i32.add (local.get $x) (i32.shl (local.get $blockBytes) (i32.const 1))))
            (local.set $o (i32.add (local.get $o) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_s (local.get $o) (local.get $outer))
          (then
            (local.set $s0 (f64.const 0))
            (local.set $p (local.get $x))
            (local.set $end (i32.add (local.get $x) (local.get $blockBytes)))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $s0 (f64.add (local.get $s0) (f64.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (br $sum)))
            (f64.store (local.get $out) (local.get $s0))))
        (return)))
    (block $outer_done
      (loop $blocks
        (br_if $outer_done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_s (local.get $i) (local.get $inner)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $end (i32.add (local.get $p) (local.get $blockBytes)))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $acc (f64x2.add (local.get $acc) (v128.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (br $sum)))
            (call $store_f64x2 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $acc)
              (i32.sub (local.get $inner) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $lanes)))
        (local.set $x (i32.add (local.get $x) (local.get $blockBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $blocks))))

  ;; max: the first maximum along the axis; a NaN anywhere makes the result NaN. The reference
  ;; replaces best by v when v > best or v is NaN, and stops at the first NaN, so its result is that
  ;; NaN itself (bits included): bitselect(v, best, gt(v, best) | (ne(v, v) & eq(best, best))) does
  ;; the same lane by lane. axis = 0 gives −Infinity.
  (func (export "reduce_max_f32") (param $x i32) (param $out i32) (param $outer i32) (param $axis i32)
    (param $inner i32)
    (local $o i32) (local $i i32) (local $p i32) (local $end i32) (local $rowBytes i32) (local $blockBytes i32)
    (local $best v128) (local $v v128)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $blockBytes (i32.mul (local.get $axis) (local.get $rowBytes)))
    (block $outer_done
      (loop $blocks
        (br_if $outer_done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_s (local.get $i) (local.get $inner)))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $end (i32.add (local.get $p) (local.get $blockBytes)))
            (if (i32.eqz (local.get $axis))
              (then (local.set $best (f32x4.splat (f32.const -inf))))
              (else
                (local.set $best (v128.load (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))))
            (block $scan_done
              (loop $scan
                (br_if $scan_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best)
                  (v128.or (f32x4.gt (local.get $v) (local.get $best))
                    (v128.and (f32x4.ne (local.get $v) (local.get $v)) (f32x4.eq (local.get $best) (local.get $best))))))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (br $scan)))
            (call $store_f32x4 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $best)
              (i32.sub (local.get $inner) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $lanes)))
        (local.set $x (i32.add (local.get $x) (local.get $blockBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $blocks))))

  (func (export "reduce_max_f64") (param $x i32) (param $out i32) (param $outer i32) (param $axis i32)
    (param $inner i32)
    (local $o i32) (local $i i32) (local $p i32) (local $end i32) (local $rowBytes i32) (local $blockBytes i32)
    (local $best v128) (local $v v128)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 3)))
    (local.set $blockBytes (i32.mul (local.get $axis) (local.get $rowBytes)))
    (block $outer_done
      (loop $blocks
        (br_if $outer_done (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_s (local.get $i) (local.get $inner)))
            (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $end (i32.add (local.get $p) (local.get $blockBytes)))
            (if (i32.eqz (local.get $axis))
              (then (local.set $best (f64x2.splat (f64.const -inf))))
              (else
                (local.set $best (v128.load (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))))
            (block $scan_done
              (loop $scan
                (br_if $scan_done (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best)
                  (v128.or (f64x2.gt (local.get $v) (local.get $best))
                    (v128.and (f64x2.ne (local.get $v) (local.get $v)) (f64x2.eq (local.get $best) (local.get $best))))))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (br $scan)))
            (call $store_f64x2 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $best)
              (i32.sub (local.get $inner) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $lanes)))
        (local.set $x (i32.add (local.get $x) (local.get $blockBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $blocks))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Softmax backward (softmax output, not log): acc = Σ_j dy_j·y_j in ascending j (scalar, one
  ;; rounded op at a time), then dx_j = y_j·(dy_j − acc) across lanes.

  (func (export "softmax_backward_f32") (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32)
    (param $cols i32)
    (local $row i32) (local $j i32) (local $acc f32) (local $s v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $acc (f32.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $acc (f32.add (local.get $acc)
              (f32.mul (f32.load (i32.add (local.get $dy) (local.get $j))) (f32.load (i32.add (local.get $y) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sum)))
        (local.set $s (f32x4.splat (local.get $acc)))
        (local.set $j (i32.const 0))
        (block $out_done
          (loop $out
            (br_if $out_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (call $store_f32x4 (i32.add (local.get $dx) (local.get $j))
              (f32x4.mul (v128.load (i32.add (local.get $y) (local.get $j)))
                (f32x4.sub (v128.load (i32.add (local.get $dy) (local.get $j))) (local.get $s)))
              (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 2)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $out)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  (func (export "softmax_backward_f64") (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32)
    (param $cols i32)
    (local $row i32) (local $j i32) (local $acc f64) (local $s v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $acc (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $acc (f64.add (local.get $acc)
              (f64.mul (f64.load (i32.add (local.get $dy) (local.get $j))) (f64.load (i32.add (local.get $y) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $sum)))
        (local.set $s (f64x2.splat (local.get $acc)))
        (local.set $j (i32.const 0))
        (block $out_done
          (loop $out
            (br_if $out_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (call $store_f64x2 (i32.add (local.get $dx) (local.get $j))
              (f64x2.mul (v128.load (i32.add (local.get $y) (local.get $j)))
                (f64x2.sub (v128.load (i32.add (local.get $dy) (local.get $j))) (local.get $s)))
              (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 3)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $out)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  ;; ---------------------------------------------------------------------------------------------
  ;; ditto's elementary functions on f64x2: src/numeric/elementary.ts operation for operation
  ;; (docs/elementary-functions.md is the specification). Every + − × ÷ is the same IEEE double
  ;; operation on the same operands in the same order (a + b + c is (a + b) + c, as JavaScript
  ;; associates it); Math.floor is f64x2.floor; nothing is fused or reassociated. Branches on the
  ;; argument's range become lane masks: each lane computes the branches it may need and keeps, by
  ;; bitselect, exactly the value the reference's branch returns. Lanes never mix.
  ;;
  ;; A few steps are written differently from the reference without changing a bit, because both
  ;; forms are exact, or round the same exact value once (docs/wasm-backend.md has the arguments):
  ;; - scaleByPow2(y, k) = y·2^k rounded once. The reference picks one of four forms by k; here it is
  ;;   (y·2^k1)·2^(k−k1) with k1 = floor(k/2): for −1075 ≤ k ≤ 1024 both factors are normal powers of
  ;;   two and y·2^k1 is exact (y ∈ [0.7, 1.5]), so the one rounding is the last multiplication's —
  ;;   the correctly rounded y·2^k, as in each of the reference's forms (overflow and subnormal
  ;;   results included).
  ;; - Powers of two are built from exponent bits (exact either way; see MAGIC below).
  ;; - log's m = x·2^−e (exact in the reference) is built by subtracting e from x's exponent bits:
  ;;   the same double.
  ;; - exp's range checks are a clamp of x (see $exp_v).
  ;; Constants are the reference's decimal literals (each the shortest round-trip form of its double;
  ;; test/backend-wasm-build.test.ts checks that wabt reads each as JavaScript does and that each
  ;; polynomial's coefficients are the reference's, in its order).

  ;; V8 does not inline wasm calls, and a call costs about as much as ten vector operations here
  ;; (live v128 values are spilled around it), so exp and expm1 carry expm1Kernel and the powers of
  ;; two inline; a helper is called only on rare paths.
  ;;
  ;; expm1Kernel(r) = r + r²·q, q = ((Q0 + r·Q1) + r²·(Q2 + r·Q3)) + r⁴·(((Q4 + r·Q5) + r²·(Q6 + r·Q7)) + r⁴·(Q8 + r·Q9)),
  ;; r² = r·r, r⁴ = r²·r² (written out in $exp_v and $expm1_v).
  ;;
  ;; 2^j for an integral double j, −1022 ≤ j ≤ 1023, without converting to an integer: MAGIC + j
  ;; (MAGIC = 1.5·2^52 + 1023, exact) has the bits 0x4338000000000000 + 1023 + j, whose low 12 bits
  ;; are the biased exponent 1023 + j; shifting the i64 lanes left by 52 leaves exactly 2^j.

  ;; scaleByPow2(y, k): y·2^k rounded once, for y ∈ [0.7, 1.5] and integral −1075 ≤ k ≤ 1024 (see
  ;; above): k1 = floor(k/2), k2 = k − k1 ∈ [−538, 513], (y·2^k1)·2^k2.
  (func $scale_pow2 (param $y v128) (param $k v128) (result v128)
    (local $k1 v128)
    (local.set $k1 (f64x2.floor (f64x2.mul (local.get $k) (v128.const f64x2 0.5 0.5))))
    (f64x2.mul
      (f64x2.mul (local.get $y)
        (i64x2.shl (f64x2.add (local.get $k1) (v128.const f64x2 6755399441056767 6755399441056767)) (i32.const 52)))
      (i64x2.shl (f64x2.add (f64x2.sub (local.get $k) (local.get $k1)) (v128.const f64x2 6755399441056767 6755399441056767))
        (i32.const 52))))

  ;; exp(x): k = floor(x·INV_LN2 + 0.5), r = (x − k·LN2_HI) − k·LN2_LO, scaleByPow2(1 + expm1Kernel(r), k);
  ;; x > 709.79 → +∞, x < −745.2 → 0, NaN → x (a NaN).
  ;; The range checks are a clamp: the algorithm itself gives +∞ at x = 709.79 and 0 at −745.2 (the
  ;; reference computes those two points without a special case), so clamping x to [−745.2, 709.79]
  ;; gives every out-of-range x exactly the reference's result; f64x2.pmax / pmin (a < b ? b : a,
  ;; b < a ? b : a) let NaN through, and the algorithm turns NaN into NaN.
  (func $exp_v (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $k1 v128) (local $y v128)
    (local.set $x (f64x2.pmin
      (f64x2.pmax (local.get $x) (v128.const f64x2 -745.2 -745.2))
      (v128.const f64x2 709.79 709.79)))
    (local.set $k (f64x2.floor (f64x2.add
      (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
      (v128.const f64x2 0.5 0.5))))
    (local.set $r (f64x2.sub
      (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)))
      (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    ;; y = 1 + expm1Kernel(r)
    (local.set $y (f64x2.add (v128.const f64x2 1 1)
      (f64x2.add (local.get $r)
            (f64x2.mul (local.get $r2)
              (f64x2.add
                (f64x2.add
                  (f64x2.add (v128.const f64x2 0.5000000000000001 0.5000000000000001)
                    (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666669 0.16666666666666669)))
                  (f64x2.mul (local.get $r2)
                    (f64x2.add (v128.const f64x2 0.04166666666662413 0.04166666666662413)
                      (f64x2.mul (local.get $r) (v128.const f64x2 0.008333333333330062 0.008333333333330062)))))
                (f64x2.mul (local.get $r4)
                  (f64x2.add
                    (f64x2.add
                      (f64x2.add (v128.const f64x2 0.0013888888917213717 0.0013888888917213717)
                        (f64x2.mul (local.get $r) (v128.const f64x2 0.00019841269863053618 0.00019841269863053618)))
                      (f64x2.mul (local.get $r2)
                        (f64x2.add (v128.const f64x2 2.4801521295954376e-5 2.4801521295954376e-5)
                          (f64x2.mul (local.get $r) (v128.const f64x2 2.7557268459997064e-6 2.7557268459997064e-6)))))
                    (f64x2.mul (local.get $r4)
                      (f64x2.add (v128.const f64x2 2.7620088445409746e-7 2.7620088445409746e-7)
                        (f64x2.mul (local.get $r) (v128.const f64x2 2.510038549551032e-8 2.510038549551032e-8)))))))))))
    ;; scaleByPow2(y, k)
    (local.set $k1 (f64x2.floor (f64x2.mul (local.get $k) (v128.const f64x2 0.5 0.5))))
    (f64x2.mul
      (f64x2.mul (local.get $y)
        (i64x2.shl (f64x2.add (local.get $k1) (v128.const f64x2 6755399441056767 6755399441056767)) (i32.const 52)))
      (i64x2.shl (f64x2.add (f64x2.sub (local.get $k) (local.get $k1)) (v128.const f64x2 6755399441056767 6755399441056767))
        (i32.const 52))))

  ;; expm1(x): |x| < HALF_LN2 → expm1Kernel(x); otherwise with k as in exp: hi = x − k·LN2_HI,
  ;; lo = k·LN2_LO, r = hi − lo, c = (hi − r) − lo, u = expm1Kernel(r), uc = u + c·(1 + u), and
  ;; k > 56 → scaleByPow2(1 + uc, k), else t = 2^k: (t − 1) + t·uc.
  ;; x > 709.79 → +∞, x < −40 → −1, NaN and ±0 → x.
  (func $expm1_v (param $x v128) (result v128)
    (local $small v128) (local $k v128) (local $hi v128) (local $lo v128) (local $r v128) (local $c v128)
    (local $r2 v128) (local $r4 v128) (local $u v128) (local $uc v128) (local $t v128) (local $big v128)
    (local $y v128)
    (local.set $small (f64x2.lt (f64x2.abs (local.get $x)) (v128.const f64x2 0.34657359027997264 0.34657359027997264)))
    (local.set $k (f64x2.floor (f64x2.add
      (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))
      (v128.const f64x2 0.5 0.5))))
    (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238))))
    (local.set $lo (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $c (f64x2.sub (f64x2.sub (local.get $hi) (local.get $r)) (local.get $lo)))
    ;; one kernel evaluation: on x in the small lanes (that is their result), on r in the others
    (local.set $r (v128.bitselect (local.get $x) (local.get $r) (local.get $small)))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $u (f64x2.add (local.get $r)
          (f64x2.mul (local.get $r2)
            (f64x2.add
              (f64x2.add
                (f64x2.add (v128.const f64x2 0.5000000000000001 0.5000000000000001)
                  (f64x2.mul (local.get $r) (v128.const f64x2 0.16666666666666669 0.16666666666666669)))
                (f64x2.mul (local.get $r2)
                  (f64x2.add (v128.const f64x2 0.04166666666662413 0.04166666666662413)
                    (f64x2.mul (local.get $r) (v128.const f64x2 0.008333333333330062 0.008333333333330062)))))
              (f64x2.mul (local.get $r4)
                (f64x2.add
                  (f64x2.add
                    (f64x2.add (v128.const f64x2 0.0013888888917213717 0.0013888888917213717)
                      (f64x2.mul (local.get $r) (v128.const f64x2 0.00019841269863053618 0.00019841269863053618)))
                    (f64x2.mul (local.get $r2)
                      (f64x2.add (v128.const f64x2 2.4801521295954376e-5 2.4801521295954376e-5)
                        (f64x2.mul (local.get $r) (v128.const f64x2 2.7557268459997064e-6 2.7557268459997064e-6)))))
                  (f64x2.mul (local.get $r4)
                    (f64x2.add (v128.const f64x2 2.7620088445409746e-7 2.7620088445409746e-7)
                      (f64x2.mul (local.get $r) (v128.const f64x2 2.510038549551032e-8 2.510038549551032e-8))))))))))
    (local.set $uc (f64x2.add (local.get $u)
      (f64x2.mul (local.get $c) (f64x2.add (v128.const f64x2 1 1) (local.get $u)))))
    ;; t = 2^k (exact for the −58 ≤ k ≤ 56 that use it)
    (local.set $t (i64x2.shl (f64x2.add (local.get $k) (v128.const f64x2 6755399441056767 6755399441056767)) (i32.const 52)))
    (local.set $y (f64x2.add (f64x2.sub (local.get $t) (v128.const f64x2 1 1)) (f64x2.mul (local.get $t) (local.get $uc))))
    (local.set $big (f64x2.gt (local.get $k) (v128.const f64x2 56 56)))
    (if (v128.any_true (local.get $big))
      (then
        (local.set $y (v128.bitselect
          (call $scale_pow2 (f64x2.add (v128.const f64x2 1 1) (local.get $uc)) (local.get $k))
          (local.get $y) (local.get $big)))))
    (local.set $y (v128.bitselect (local.get $u) (local.get $y) (local.get $small)))
    (local.set $y (v128.bitselect (v128.const f64x2 inf inf) (local.get $y)
      (f64x2.gt (local.get $x) (v128.const f64x2 709.79 709.79))))
    (local.set $y (v128.bitselect (v128.const f64x2 -1 -1) (local.get $y)
      (f64x2.lt (local.get $x) (v128.const f64x2 -40 -40))))
    (v128.bitselect (local.get $x) (local.get $y)
      (v128.or (f64x2.ne (local.get $x) (local.get $x)) (f64x2.eq (local.get $x) (v128.const f64x2 0 0)))))

  ;; log(x): subnormal x → x·2^54 with k = −54; e from the high word hi = bits >>> 32:
  ;; (hi >>> 20) − 1023 + ((hi & 0xfffff) > 0x6a09e); k += e; m = x·2^−e (exact), f = m − 1,
  ;; s = f/(2 + f), z = s², hfsq = 0.5·f·f, z2 = z², T = ((T0 + z·T1) + z2·(T2 + z·T3)) + (z2·z2)·((T4 + z·T5) + z2·T6),
  ;; R = z·T, result k·LN2_HI − ((hfsq − (s·(hfsq + R) + k·LN2_LO)) − f).
  ;; +∞ → +∞, ±0 → −∞, x < 0 or NaN → NaN.
  (func $log_v (param $x v128) (result v128)
    (local $sub v128) (local $bits v128) (local $e v128) (local $k v128) (local $f v128) (local $s v128)
    (local $z v128) (local $z2 v128) (local $hfsq v128) (local $t v128) (local $y v128)
    (local.set $sub (f64x2.lt (local.get $x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
    (local.set $bits (v128.bitselect
      (f64x2.mul (local.get $x) (v128.const f64x2 18014398509481984 18014398509481984)) (local.get $x) (local.get $sub)))
    ;; i64x2.gt_s gives −1 where the mantissa exceeds √2's, so subtracting it adds 1
    (local.set $e (i64x2.sub
      (i64x2.sub (i64x2.shr_u (local.get $bits) (i32.const 52)) (v128.const i64x2 1023 1023))
      (i64x2.gt_s (v128.and (i64x2.shr_u (local.get $bits) (i32.const 32)) (v128.const i64x2 0xfffff 0xfffff))
        (v128.const i64x2 0x6a09e 0x6a09e))))
    ;; k = (sub ? −54 : 0) + e, exact integers in double (e's low words as i32 lanes 0 and 1)
    (local.set $k (f64x2.add
      (v128.bitselect (v128.const f64x2 -54 -54) (v128.const f64x2 0 0) (local.get $sub))
      (f64x2.convert_low_i32x4_s
        (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $e) (local.get $e)))))
    ;; f = m − 1 with m = x·2^−e: e subtracted from the exponent field
    (local.set $f (f64x2.sub
      (i64x2.sub (local.get $bits) (i64x2.shl (local.get $e) (i32.const 52)))
      (v128.const f64x2 1 1)))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2 2) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (local.get $f)))
    (local.set $z2 (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $t (f64x2.add
      (f64x2.add
        (f64x2.add (v128.const f64x2 0.666666666666667 0.666666666666667)
          (f64x2.mul (local.get $z) (v128.const f64x2 0.3999999999989819 0.3999999999989819)))
        (f64x2.mul (local.get $z2)
          (f64x2.add (v128.const f64x2 0.28571428626570206 0.28571428626570206)
            (f64x2.mul (local.get $z) (v128.const f64x2 0.2222221103781659 0.2222221103781659)))))
      (f64x2.mul (f64x2.mul (local.get $z2) (local.get $z2))
        (f64x2.add
          (f64x2.add (v128.const f64x2 0.18182896183483085 0.18182896183483085)
            (f64x2.mul (local.get $z) (v128.const f64x2 0.15331487235865734 0.15331487235865734)))
          (f64x2.mul (local.get $z2) (v128.const f64x2 0.14619343453512615 0.14619343453512615))))))
    ;; R = z·T
    (local.set $t (f64x2.mul (local.get $z) (local.get $t)))
    (local.set $y (f64x2.sub
      (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238))
      (f64x2.sub
        (f64x2.sub (local.get $hfsq)
          (f64x2.add
            (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $t)))
            (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
        (local.get $f))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf))))
    (local.set $y (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $y)
      (f64x2.eq (local.get $x) (v128.const f64x2 0 0))))
    (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000) (local.get $y)
      (v128.not (f64x2.ge (local.get $x) (v128.const f64x2 0 0)))))

  ;; log1p(x): u = 1 + x; u = 1 → x; c = (u − 1) − x; log(u) − c/u.
  ;; +∞ → +∞, −1 → −∞, x < −1 or NaN → NaN.
  (func $log1p_v (param $x v128) (result v128)
    (local $u v128) (local $y v128)
    (local.set $u (f64x2.add (v128.const f64x2 1 1) (local.get $x)))
    (local.set $y (f64x2.sub (call $log_v (local.get $u))
      (f64x2.div
        (f64x2.sub (f64x2.sub (local.get $u) (v128.const f64x2 1 1)) (local.get $x))
        (local.get $u))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y) (f64x2.eq (local.get $u) (v128.const f64x2 1 1))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf))))
    (local.set $y (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $y)
      (f64x2.eq (local.get $x) (v128.const f64x2 -1 -1))))
    (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000) (local.get $y)
      (v128.not (f64x2.ge (local.get $x) (v128.const f64x2 -1 -1)))))

  ;; tanh(x): a = |x|; a < 0.55: t = expm1(−2·a), r = −t/(t + 2); a < 22: r = 1 − 2/(expm1(2·a) + 2);
  ;; else r = 1; x < 0 → −r. ±0 and NaN → x. One expm1 per lane: its argument is chosen per lane.
  (func $tanh_v (param $x v128) (result v128)
    (local $a v128) (local $low v128) (local $t v128) (local $r v128)
    (local.set $a (f64x2.abs (local.get $x)))
    (local.set $low (f64x2.lt (local.get $a) (v128.const f64x2 0.55 0.55)))
    (local.set $t (call $expm1_v (v128.bitselect
      (f64x2.mul (v128.const f64x2 -2 -2) (local.get $a))
      (f64x2.mul (v128.const f64x2 2 2) (local.get $a))
      (local.get $low))))
    (local.set $r (v128.bitselect
      (f64x2.div (f64x2.neg (local.get $t)) (f64x2.add (local.get $t) (v128.const f64x2 2 2)))
      (v128.bitselect
        (f64x2.sub (v128.const f64x2 1 1)
          (f64x2.div (v128.const f64x2 2 2) (f64x2.add (local.get $t) (v128.const f64x2 2 2))))
        (v128.const f64x2 1 1)
        (f64x2.lt (local.get $a) (v128.const f64x2 22 22)))
      (local.get $low)))
    (local.set $r (v128.bitselect (f64x2.neg (local.get $r)) (local.get $r)
      (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
    (v128.bitselect (local.get $r) (local.get $x) (f64x2.gt (local.get $a) (v128.const f64x2 0 0))))

  ;; sigmoid(x): x >= 0 → 1/(1 + exp(−x)); else e = exp(x), e/(1 + e).
  (func $sigmoid_v (param $x v128) (result v128)
    (local $pos v128) (local $e v128)
    (local.set $pos (f64x2.ge (local.get $x) (v128.const f64x2 0 0)))
    (local.set $e (call $exp_v (v128.bitselect (f64x2.neg (local.get $x)) (local.get $x) (local.get $pos))))
    (v128.bitselect
      (f64x2.div (v128.const f64x2 1 1) (f64x2.add (v128.const f64x2 1 1) (local.get $e)))
      (f64x2.div (local.get $e) (f64x2.add (v128.const f64x2 1 1) (local.get $e)))
      (local.get $pos)))

  ;; softplus(x): x > 0 → x + log1p(exp(−x)); else log1p(exp(x)).
  (func $softplus_v (param $x v128) (result v128)
    (local $pos v128) (local $l v128)
    (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
    (local.set $l (call $log1p_v
      (call $exp_v (v128.bitselect (f64x2.neg (local.get $x)) (local.get $x) (local.get $pos)))))
    (v128.bitselect (f64x2.add (local.get $x) (local.get $l)) (local.get $l) (local.get $pos)))

  ;; erf(x): a = |x|; a < 1.5 → x + x·P(x·x); !(a < 6) → NaN ? x : ±1; else h = H1(a − 2) (a < 2.5),
  ;; H2(a − 3.25) (a < 4), H3(a − 5); r = 1 − exp(−a·a)·h; x < 0 → −r.
  ;; A polynomial is evaluated only when some lane needs it (its value in the other lane is unused).
  (func $erf_v (param $x v128) (result v128)
    (local $a v128) (local $small v128) (local $mid v128) (local $m v128) (local $h v128) (local $r v128)
    (local $y v128)
    (local.set $a (f64x2.abs (local.get $x)))
    (local.set $small (f64x2.lt (local.get $a) (v128.const f64x2 1.5 1.5)))
    (if (v128.any_true (local.get $small))
      (then
        (local.set $y (f64x2.add (local.get $x)
          (f64x2.mul (local.get $x) (call $poly_erf_p (f64x2.mul (local.get $x) (local.get $x))))))))
    (if (i64x2.all_true (local.get $small)) (then (return (local.get $y))))
    ;; 1.5 ≤ a < 6
    (local.set $mid (v128.andnot (f64x2.lt (local.get $a) (v128.const f64x2 6 6)) (local.get $small)))
    (if (v128.any_true (local.get $mid))
      (then
        (local.set $m (v128.and (local.get $mid) (f64x2.ge (local.get $a) (v128.const f64x2 4 4))))
        (if (v128.any_true (local.get $m))
          (then (local.set $h (call $poly_erf_h3 (f64x2.sub (local.get $a) (v128.const f64x2 5 5))))))
        (local.set $m (v128.and (local.get $mid) (v128.and
          (f64x2.ge (local.get $a) (v128.const f64x2 2.5 2.5)) (f64x2.lt (local.get $a) (v128.const f64x2 4 4)))))
        (if (v128.any_true (local.get $m))
          (then (local.set $h (v128.bitselect
            (call $poly_erf_h2 (f64x2.sub (local.get $a) (v128.const f64x2 3.25 3.25))) (local.get $h) (local.get $m)))))
        (local.set $m (v128.and (local.get $mid) (f64x2.lt (local.get $a) (v128.const f64x2 2.5 2.5))))
        (if (v128.any_true (local.get $m))
          (then (local.set $h (v128.bitselect
            (call $poly_erf_h1 (f64x2.sub (local.get $a) (v128.const f64x2 2 2))) (local.get $h) (local.get $m)))))
        (local.set $r (f64x2.sub (v128.const f64x2 1 1)
          (f64x2.mul (call $exp_v (f64x2.mul (f64x2.neg (local.get $a)) (local.get $a))) (local.get $h))))
        (local.set $r (v128.bitselect (f64x2.neg (local.get $r)) (local.get $r)
          (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
        (local.set $y (v128.bitselect (local.get $r) (local.get $y) (local.get $mid)))))
    ;; !(a < 6): NaN → x, otherwise x > 0 ? 1 : −1
    (v128.bitselect
      (v128.bitselect (local.get $x)
        (v128.bitselect (v128.const f64x2 1 1) (v128.const f64x2 -1 -1) (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
        (f64x2.ne (local.get $x) (local.get $x)))
      (local.get $y)
      (v128.not (v128.or (local.get $small) (f64x2.lt (local.get $a) (v128.const f64x2 6 6))))))

  ;; ERF_P (degree 14) by Horner's rule, highest coefficient first: acc = acc·v + c[i].
  (func $poly_erf_p (param $v v128) (result v128)
    (local $acc v128)
    (local.set $acc (v128.const f64x2 1.5889546007818838e-13 1.5889546007818838e-13))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -4.9101179846805086e-12 -4.9101179846805086e-12)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 8.685870114391334e-11 8.685870114391334e-11)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.2083048517022723e-9 -1.2083048517022723e-9)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 1.4765666857055745e-8 1.4765666857055745e-8)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.6359841594724727e-7 -1.6359841594724727e-7)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 1.6461484722454145e-6 1.6461484722454145e-6)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.4925602741550847e-5 -1.4925602741550847e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.00012055330429899759 0.00012055330429899759)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.0008548326929470691 -0.0008548326929470691)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.005223977623179348 0.005223977623179348)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.02686617064480267 -0.02686617064480267)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.11283791670952624 0.11283791670952624)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.37612638903183676 -0.37612638903183676)))
    (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.12837916709551256 0.12837916709551256)))

  ;; ERF_H1 (degree 14) by Horner's rule, highest coefficient first: acc = acc·v + c[i].
  (func $poly_erf_h1 (param $v v128) (result v128)
    (local $acc v128)
    (local.set $acc (v128.const f64x2 2.4742339076650453e-8 2.4742339076650453e-8))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -9.643712186456406e-8 -9.643712186456406e-8)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 3.4432366346395997e-7 3.4432366346395997e-7)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.2773616807125507e-6 -1.2773616807125507e-6)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 4.62827740445235e-6 4.62827740445235e-6)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.629413391296476e-5 -1.629413391296476e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 5.5728304783301664e-5 5.5728304783301664e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.00018477832463095726 -0.00018477832463095726)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.0005924699958821647 0.0005924699958821647)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.0018316642779754838 -0.0018316642779754838)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.005440738537459517 0.005440738537459517)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.015460637764239173 -0.015460637764239173)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.04180275260352663 0.04180275260352663)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.10679646185348994 -0.10679646185348994)))
    (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.25539567631050575 0.25539567631050575)))

  ;; ERF_H2 (degree 13) by Horner's rule, highest coefficient first: acc = acc·v + c[i].
  (func $poly_erf_h2 (param $v v128) (result v128)
    (local $acc v128)
    (local.set $acc (v128.const f64x2 -1.7114559998816244e-9 -1.7114559998816244e-9))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 8.085890688639206e-9 8.085890688639206e-9)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -3.418039920957254e-8 -3.418039920957254e-8)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 1.5534713794770728e-7 1.5534713794770728e-7)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -6.95250370654345e-7 -6.95250370654345e-7)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 3.0390383814543568e-6 3.0390383814543568e-6)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -1.3004631902462797e-5 -1.3004631902462797e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 5.4420368004729355e-5 5.4420368004729355e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.00022238257035434286 -0.00022238257035434286)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.0008860045813692623 0.0008860045813692623)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.003435471300879913 -0.003435471300879913)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.01293729088288317 0.01293729088288317)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.047199402321170536 -0.047199402321170536)))
    (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.16633534842682265 0.16633534842682265)))

  ;; ERF_H3 (degree 8) by Horner's rule, highest coefficient first: acc = acc·v + c[i].
  (func $poly_erf_h3 (param $v v128) (result v128)
    (local $acc v128)
    (local.set $acc (v128.const f64x2 1.444700332488069e-7 1.444700332488069e-7))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -8.349948024549331e-7 -8.349948024549331e-7)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 4.437361871085046e-6 4.437361871085046e-6)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -2.4912564214536956e-5 -2.4912564214536956e-5)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.00013810436854186646 0.00013810436854186646)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.0007529083568184031 -0.0007529083568184031)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.004040688762562392 0.004040688762562392)))
    (local.set $acc (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 -0.02133278889724187 -0.02133278889724187)))
    (f64x2.add (f64x2.mul (local.get $acc) (local.get $v)) (v128.const f64x2 0.11070463773306863 0.11070463773306863)))

  ;; dst[i] = f(src[i]) for count doubles (whole vectors: an odd count reads and writes one more), f
  ;; one of the functions above: 0 exp, 1 expm1, 2 log, 3 log1p, 4 tanh, 5 sigmoid, 6 softplus, 7 erf.
  ;; Not used by the backend: it lets the tests and benchmarks check each function on its own.
  (func (export "elementary_f64") (param $fn i32) (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32) (local $bytes i32) (local $x v128) (local $y v128)
    (local.set $bytes (i32.shl (local.get $count) (i32.const 3)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $i) (local.get $bytes)))
        (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
        (block $store
          (block $erf
            (block $softplus
              (block $sigmoid
                (block $tanh
                  (block $log1p
                    (block $log
                      (block $expm1
                        (block $exp
                          (br_table $exp $expm1 $log $log1p $tanh $sigmoid $softplus $erf (local.get $fn)))
                        (local.set $y (call $exp_v (local.get $x)))
                        (br $store))
                      (local.set $y (call $expm1_v (local.get $x)))
                      (br $store))
                    (local.set $y (call $log_v (local.get $x)))
                    (br $store))
                  (local.set $y (call $log1p_v (local.get $x)))
                  (br $store))
                (local.set $y (call $tanh_v (local.get $x)))
                (br $store))
              (local.set $y (call $sigmoid_v (local.get $x)))
              (br $store))
            (local.set $y (call $softplus_v (local.get $x)))
            (br $store))
          (local.set $y (call $erf_v (local.get $x))))
        (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $y))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Softmax (log = 0) or log-softmax (log = 1) over rows of `cols`, as the reference computes it:
  ;; max = the row's first maximum (a NaN replaces it; scalar scan, from −∞); e_j = exp(x_j − max)
  ;; (across lanes, into out); sum = Σ e_j in ascending j from +0 (scalar chain);
  ;; softmax_j = e_j / sum; logSoftmax_j = (x_j − max) − log(sum). float32: every step rounded to
  ;; float32 (x_j − max is f32.sub; exp and log are evaluated in double from the float32 value and
  ;; rounded once), as the reference's Math.fround calls do.

  ;; log(v) of one double (lane 0 of the vector function).
  (func $log_scalar (param $v f64) (result f64)
    (f64x2.extract_lane 0 (call $log_v (f64x2.splat (local.get $v)))))

  (func (export "softmax_f32") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $log i32)
    (local $row i32) (local $j i32) (local $rowBytes i32) (local $max f32) (local $v f32) (local $sum f32)
    (local $m v128) (local $e v128) (local $s v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $max (f32.const -inf))
        (local.set $j (i32.const 0))
        (block $max_done
          (loop $scan
            (br_if $max_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $v (f32.load (i32.add (local.get $x) (local.get $j))))
            (if (i32.or (f32.gt (local.get $v) (local.get $max)) (f32.ne (local.get $v) (local.get $v)))
              (then (local.set $max (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $scan)))
        (local.set $m (f32x4.splat (local.get $max)))
        ;; e_j = fround(exp(fround(x_j − max))), two per vector (one for an odd last element)
        (local.set $j (i32.const 0))
        (block $exp_done
          (loop $exps
            (br_if $exp_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $e (f32x4.demote_f64x2_zero (call $exp_v (f64x2.promote_low_f32x4
              (f32x4.sub (v128.load64_zero (i32.add (local.get $x) (local.get $j))) (local.get $m))))))
            (if (i32.ge_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 8))
              (then (v128.store64_lane 0 (i32.add (local.get $out) (local.get $j)) (local.get $e)))
              (else (v128.store32_lane 0 (i32.add (local.get $out) (local.get $j)) (local.get $e))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $exps)))
        (local.set $sum (f32.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sums
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $sum (f32.add (local.get $sum) (f32.load (i32.add (local.get $out) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sums)))
        (local.set $j (i32.const 0))
        (if (local.get $log)
          (then
            ;; (x_j − max) − fround(log(sum))
            (local.set $s (f32x4.splat (f32.demote_f64 (call $log_scalar (f64.promote_f32 (local.get $sum))))))
            (block $log_done
              (loop $logs
                (br_if $log_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
                (call $store_f32x4 (i32.add (local.get $out) (local.get $j))
                  (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $m)) (local.get $s))
                  (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 2)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $logs))))
          (else
            ;; e_j / sum
            (local.set $s (f32x4.splat (local.get $sum)))
            (block $div_done
              (loop $divs
                (br_if $div_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
                (call $store_f32x4 (i32.add (local.get $out) (local.get $j))
                  (f32x4.div (v128.load (i32.add (local.get $out) (local.get $j))) (local.get $s))
                  (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 2)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $divs)))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  (func (export "softmax_f64") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32) (param $log i32)
    (local $row i32) (local $j i32) (local $rowBytes i32) (local $max f64) (local $v f64) (local $sum f64)
    (local $m v128) (local $s v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $max (f64.const -inf))
        (local.set $j (i32.const 0))
        (block $max_done
          (loop $scan
            (br_if $max_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $v (f64.load (i32.add (local.get $x) (local.get $j))))
            (if (i32.or (f64.gt (local.get $v) (local.get $max)) (f64.ne (local.get $v) (local.get $v)))
              (then (local.set $max (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $scan)))
        (local.set $m (f64x2.splat (local.get $max)))
        (local.set $j (i32.const 0))
        (block $exp_done
          (loop $exps
            (br_if $exp_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (call $store_f64x2 (i32.add (local.get $out) (local.get $j))
              (call $exp_v (f64x2.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $m)))
              (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 3)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $exps)))
        (local.set $sum (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sums
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $sum (f64.add (local.get $sum) (f64.load (i32.add (local.get $out) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $sums)))
        (local.set $j (i32.const 0))
        (if (local.get $log)
          (then
            (local.set $s (f64x2.splat (call $log_scalar (local.get $sum))))
            (block $log_done
              (loop $logs
                (br_if $log_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
                (call $store_f64x2 (i32.add (local.get $out) (local.get $j))
                  (f64x2.sub (f64x2.sub (v128.load (i32.add (local.get $x) (local.get $j))) (local.get $m)) (local.get $s))
                  (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 3)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $logs))))
          (else
            (local.set $s (f64x2.splat (local.get $sum)))
            (block $div_done
              (loop $divs
                (br_if $div_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
                (call $store_f64x2 (i32.add (local.get $out) (local.get $j))
                  (f64x2.div (v128.load (i32.add (local.get $out) (local.get $j))) (local.get $s))
                  (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 3)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $divs)))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  ;; Log-softmax backward given its output y: acc = Σ_j dy_j in ascending j from +0 (scalar chain),
  ;; dx_j = dy_j − exp(y_j)·acc; float32: fround at each step, as the reference does.
  (func (export "log_softmax_backward_f32") (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32)
    (param $cols i32)
    (local $row i32) (local $j i32) (local $acc f32) (local $s v128) (local $d v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $acc (f32.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $acc (f32.add (local.get $acc) (f32.load (i32.add (local.get $dy) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sum)))
        (local.set $s (f32x4.splat (local.get $acc)))
        (local.set $j (i32.const 0))
        (block $out_done
          (loop $out
            (br_if $out_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            ;; dy_j − fround(fround(exp(y_j))·acc), two per vector
            (local.set $d (f32x4.sub (v128.load64_zero (i32.add (local.get $dy) (local.get $j)))
              (f32x4.mul
                (f32x4.demote_f64x2_zero (call $exp_v (f64x2.promote_low_f32x4
                  (v128.load64_zero (i32.add (local.get $y) (local.get $j))))))
                (local.get $s))))
            (if (i32.ge_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 8))
              (then (v128.store64_lane 0 (i32.add (local.get $dx) (local.get $j)) (local.get $d)))
              (else (v128.store32_lane 0 (i32.add (local.get $dx) (local.get $j)) (local.get $d))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $out)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  (func (export "log_softmax_backward_f64") (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32)
    (param $cols i32)
    (local $row i32) (local $j i32) (local $acc f64) (local $s v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 3)))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $acc (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (local.set $acc (f64.add (local.get $acc) (f64.load (i32.add (local.get $dy) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $sum)))
        (local.set $s (f64x2.splat (local.get $acc)))
        (local.set $j (i32.const 0))
        (block $out_done
          (loop $out
            (br_if $out_done (i32.ge_s (local.get $j) (local.get $rowBytes)))
            (call $store_f64x2 (i32.add (local.get $dx) (local.get $j))
              (f64x2.sub (v128.load (i32.add (local.get $dy) (local.get $j)))
                (f64x2.mul (call $exp_v (v128.load (i32.add (local.get $y) (local.get $j)))) (local.get $s)))
              (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 3)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $out)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows_loop))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Unary elementwise functions. The contract evaluates each in float64 and rounds once on store, so
  ;; each op is written once, on f64x2, over a whole buffer of doubles (one loop per op: V8 does not
  ;; inline wasm calls). float64 data runs through it directly; float32 data goes through a scratch
  ;; buffer in chunks of 256: promoted (exact), evaluated, demoted (one round-to-nearest-even, as a
  ;; Float32Array store rounds).
  ;; Op codes: 0 linear, 1 neg, 2 abs, 3 square, 4 sqrt, 5 relu, 6 leakyRelu, 7 hardSigmoid,
  ;; 8 softsign, 9 log, 10 exp, 11 elu, 12 selu, 13 sigmoid, 14 tanh, 15 softplus, 16 swish, 17 gelu
  ;; (9…17 run in $unary_elementary / $unary_backward_elementary; log's gradient dy / x is code 9 here).

  ;; Scratch for float32 chunks: 256 doubles each (+ slack); the host's buffers start at heap_base.
  (global $chunk_x i32 (i32.const 1024))
  (global $chunk_dy i32 (i32.const 4096))
  (global (export "heap_base") i32 (i32.const 8192))

  ;; dst[i] = f(src[i]) for i < count, in whole f64x2 vectors: when count is odd, one more double is
  ;; read and written (the callers provide the room). src may equal dst.
  (func $unary_apply (param $op i32) (param $src i32) (param $dst i32) (param $count i32) (param $alpha f64)
    (local $i i32) (local $bytes i32) (local $x v128) (local $a v128)
    (local.set $bytes (i32.shl (local.get $count) (i32.const 3)))
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (if (i32.ge_u (local.get $op) (i32.const 9))
      (then
        (call $unary_elementary (local.get $op) (local.get $src) (local.get $dst) (local.get $bytes) (local.get $alpha))
        (return)))
    (local.set $a (f64x2.splat (local.get $alpha)))
    (block $softsign
      (block $hardSigmoid
        (block $leakyRelu
          (block $relu
            (block $sqrt
              (block $square
                (block $abs
                  (block $neg
                    (block $linear
                      (br_table $linear $neg $abs $square $sqrt $relu $leakyRelu $hardSigmoid $softsign
                        (local.get $op)))
                    (loop $l
                      (v128.store (i32.add (local.get $dst) (local.get $i))
                        (v128.load (i32.add (local.get $src) (local.get $i))))
                      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
                    (return))
                  (loop $l
                    (v128.store (i32.add (local.get $dst) (local.get $i))
                      (f64x2.neg (v128.load (i32.add (local.get $src) (local.get $i)))))
                    (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
                  (return))
                (loop $l
                  (v128.store (i32.add (local.get $dst) (local.get $i))
                    (f64x2.abs (v128.load (i32.add (local.get $src) (local.get $i)))))
                  (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
                (return))
              ;; square: x·x
              (loop $l
                (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
                (v128.store (i32.add (local.get $dst) (local.get $i)) (f64x2.mul (local.get $x) (local.get $x)))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
              (return))
            (loop $l
              (v128.store (i32.add (local.get $dst) (local.get $i))
                (f64x2.sqrt (v128.load (i32.add (local.get $src) (local.get $i)))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
            (return))
          ;; relu: x < 0 ? 0 : x (so −0 and NaN pass through)
          (loop $l
            (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (v128.bitselect (v128.const f64x2 0 0) (local.get $x) (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
          (return))
        ;; leakyRelu: x < 0 ? alpha·x : x
        (loop $l
          (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
          (v128.store (i32.add (local.get $dst) (local.get $i))
            (v128.bitselect (f64x2.mul (local.get $a) (local.get $x)) (local.get $x)
              (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
        (return))
      ;; hardSigmoid: v = x / 6 + 0.5; v < 0 ? 0 : v > 1 ? 1 : v (NaN passes through)
      (loop $l
        (local.set $x (f64x2.add (f64x2.div (v128.load (i32.add (local.get $src) (local.get $i))) (v128.const f64x2 6 6))
          (v128.const f64x2 0.5 0.5)))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (v128.bitselect (v128.const f64x2 1 1)
            (v128.bitselect (v128.const f64x2 0 0) (local.get $x) (f64x2.lt (local.get $x) (v128.const f64x2 0 0)))
            (f64x2.gt (local.get $x) (v128.const f64x2 1 1))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
      (return))
    ;; softsign: x / (1 + |x|)
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
      (v128.store (i32.add (local.get $dst) (local.get $i))
        (f64x2.div (local.get $x) (f64x2.add (v128.const f64x2 1 1) (f64x2.abs (local.get $x)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; dx[i] = f'(x[i])·dy[i] in the reference's operation order; same whole-vector rule as above.
  (func $unary_backward_apply (param $op i32) (param $xs i32) (param $dys i32) (param $dst i32) (param $count i32)
    (param $alpha f64)
    (local $i i32) (local $bytes i32) (local $x v128) (local $dy v128) (local $d v128) (local $a v128)
    (local.set $bytes (i32.shl (local.get $count) (i32.const 3)))
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (if (i32.ge_u (local.get $op) (i32.const 10))
      (then
        (call $unary_backward_elementary (local.get $op) (local.get $xs) (local.get $dys) (local.get $dst) (local.get $bytes)
          (local.get $alpha))
        (return)))
    (local.set $a (f64x2.splat (local.get $alpha)))
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $xs) (local.get $i))))
      (local.set $dy (v128.load (i32.add (local.get $dys) (local.get $i))))
      (block $store
        (block $log
          (block $softsign
            (block $hardSigmoid
              (block $leakyRelu
                (block $relu
                  (block $sqrt
                    (block $square
                      (block $abs
                        (block $neg
                          (block $linear
                            (br_table $linear $neg $abs $square $sqrt $relu $leakyRelu $hardSigmoid $softsign $log
                              (local.get $op)))
                          (local.set $d (local.get $dy))
                          (br $store))
                        (local.set $d (f64x2.neg (local.get $dy)))
                        (br $store))
                      ;; abs: x > 0 ? dy : x < 0 ? −dy : 0
                      (local.set $d (v128.bitselect (local.get $dy)
                        (v128.bitselect (f64x2.neg (local.get $dy)) (v128.const f64x2 0 0)
                          (f64x2.lt (local.get $x) (v128.const f64x2 0 0)))
                        (f64x2.gt (local.get $x) (v128.const f64x2 0 0))))
                      (br $store))
                    ;; square: 2·x·dy, i.e. (2·x)·dy
                    (local.set $d (f64x2.mul (f64x2.mul (v128.const f64x2 2 2) (local.get $x)) (local.get $dy)))
                    (br $store))
                  ;; sqrt: dy / (2·√x)
                  (local.set $d
                    (f64x2.div (local.get $dy) (f64x2.mul (v128.const f64x2 2 2) (f64x2.sqrt (local.get $x)))))
                  (br $store))
                ;; relu: x > 0 ? dy : 0
                (local.set $d (v128.bitselect (local.get $dy) (v128.const f64x2 0 0)
                  (f64x2.gt (local.get $x) (v128.const f64x2 0 0))))
                (br $store))
              ;; leakyRelu: x < 0 ? alpha·dy : dy
              (local.set $d (v128.bitselect (f64x2.mul (local.get $a) (local.get $dy)) (local.get $dy)
                (f64x2.lt (local.get $x) (v128.const f64x2 0 0))))
              (br $store))
            ;; hardSigmoid: −3 < x < 3 ? dy / 6 : 0
            (local.set $d (v128.bitselect (f64x2.div (local.get $dy) (v128.const f64x2 6 6)) (v128.const f64x2 0 0)
              (v128.and (f64x2.gt (local.get $x) (v128.const f64x2 -3 -3))
                (f64x2.lt (local.get $x) (v128.const f64x2 3 3)))))
            (br $store))
          ;; softsign: d = 1 + |x|; dy / (d·d)
          (local.set $d (f64x2.add (v128.const f64x2 1 1) (f64x2.abs (local.get $x))))
          (local.set $d (f64x2.div (local.get $dy) (f64x2.mul (local.get $d) (local.get $d))))
          (br $store))
        ;; log: dy / x
        (local.set $d (f64x2.div (local.get $dy) (local.get $x))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $d))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; The transcendental ops (codes 9…17) over whole f64x2 vectors, dst[i] = f(src[i]) as
  ;; numeric/elementwise.ts's unaryForward writes f; same buffer rules as $unary_apply.
  (func $unary_elementary (param $op i32) (param $src i32) (param $dst i32) (param $bytes i32) (param $alpha f64)
    (local $i i32) (local $x v128) (local $y v128) (local $a v128) (local $pos v128)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
      (block $store
        (block $gelu
          (block $swish
            (block $softplus
              (block $tanh
                (block $sigmoid
                  (block $selu
                    (block $elu
                      (block $exp
                        (block $log
                          (br_table $log $exp $elu $selu $sigmoid $tanh $softplus $swish $gelu
                            (i32.sub (local.get $op) (i32.const 9))))
                        (local.set $y (call $log_v (local.get $x)))
                        (br $store))
                      (local.set $y (call $exp_v (local.get $x)))
                      (br $store))
                    ;; elu: x > 0 ? x : alpha·expm1(x) (expm1 only when some lane needs it)
                    (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
                    (local.set $y (local.get $x))
                    (if (i32.eqz (i64x2.all_true (local.get $pos)))
                      (then
                        (local.set $y (v128.bitselect (local.get $x)
                          (f64x2.mul (local.get $a) (call $expm1_v (local.get $x))) (local.get $pos)))))
                    (br $store))
                  ;; selu: x > 0 ? SCALE·x : SCALE·(ALPHA·expm1(x))
                  (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
                  (local.set $y (f64x2.mul (v128.const f64x2 1.0507009873554805 1.0507009873554805) (local.get $x)))
                  (if (i32.eqz (i64x2.all_true (local.get $pos)))
                    (then
                      (local.set $y (v128.bitselect (local.get $y)
                        (f64x2.mul (v128.const f64x2 1.0507009873554805 1.0507009873554805)
                          (f64x2.mul (v128.const f64x2 1.6732632423543772 1.6732632423543772)
                            (call $expm1_v (local.get $x))))
                        (local.get $pos)))))
                  (br $store))
                (local.set $y (call $sigmoid_v (local.get $x)))
                (br $store))
              (local.set $y (call $tanh_v (local.get $x)))
              (br $store))
            (local.set $y (call $softplus_v (local.get $x)))
            (br $store))
          ;; swish: x·sigmoid(x)
          (local.set $y (f64x2.mul (local.get $x) (call $sigmoid_v (local.get $x))))
          (br $store))
        ;; gelu: (0.5·x)·(1 + erf(x·INV_SQRT2))
        (local.set $y (f64x2.mul
          (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $x))
          (f64x2.add (v128.const f64x2 1 1)
            (call $erf_v (f64x2.mul (local.get $x) (v128.const f64x2 0.7071067811865476 0.7071067811865476)))))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $y))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; Gradients of the transcendental ops (codes 10…17), dst[i] = f'(xs[i])·dys[i] as
  ;; numeric/elementwise.ts's unaryBackward writes it.
  (func $unary_backward_elementary (param $op i32) (param $xs i32) (param $dys i32) (param $dst i32) (param $bytes i32)
    (param $alpha f64)
    (local $i i32) (local $x v128) (local $dy v128) (local $d v128) (local $s v128) (local $a v128) (local $pos v128)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $xs) (local.get $i))))
      (local.set $dy (v128.load (i32.add (local.get $dys) (local.get $i))))
      (block $store
        (block $gelu
          (block $swish
            (block $softplus
              (block $tanh
                (block $sigmoid
                  (block $selu
                    (block $elu
                      (block $exp
                        (br_table $exp $elu $selu $sigmoid $tanh $softplus $swish $gelu
                          (i32.sub (local.get $op) (i32.const 10))))
                      ;; exp: exp(x)·dy
                      (local.set $d (f64x2.mul (call $exp_v (local.get $x)) (local.get $dy)))
                      (br $store))
                    ;; elu: x > 0 ? dy : (alpha·exp(x))·dy
                    (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
                    (local.set $d (local.get $dy))
                    (if (i32.eqz (i64x2.all_true (local.get $pos)))
                      (then
                        (local.set $d (v128.bitselect (local.get $dy)
                          (f64x2.mul (f64x2.mul (local.get $a) (call $exp_v (local.get $x))) (local.get $dy))
                          (local.get $pos)))))
                    (br $store))
                  ;; selu: x > 0 ? SCALE·dy : ((SCALE·ALPHA)·exp(x))·dy, SCALE·ALPHA = 1.7580993408473766
                  (local.set $pos (f64x2.gt (local.get $x) (v128.const f64x2 0 0)))
                  (local.set $d (f64x2.mul (v128.const f64x2 1.0507009873554805 1.0507009873554805) (local.get $dy)))
                  (if (i32.eqz (i64x2.all_true (local.get $pos)))
                    (then
                      (local.set $d (v128.bitselect (local.get $d)
                        (f64x2.mul
                          (f64x2.mul (v128.const f64x2 1.7580993408473766 1.7580993408473766) (call $exp_v (local.get $x)))
                          (local.get $dy))
                        (local.get $pos)))))
                  (br $store))
                ;; sigmoid: s = sigmoid(x); (s·(1 − s))·dy
                (local.set $s (call $sigmoid_v (local.get $x)))
                (local.set $d (f64x2.mul
                  (f64x2.mul (local.get $s) (f64x2.sub (v128.const f64x2 1 1) (local.get $s))) (local.get $dy)))
                (br $store))
              ;; tanh: t = tanh(x); (1 − t·t)·dy
              (local.set $s (call $tanh_v (local.get $x)))
              (local.set $d (f64x2.mul
                (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $s) (local.get $s))) (local.get $dy)))
              (br $store))
            ;; softplus: sigmoid(x)·dy
            (local.set $d (f64x2.mul (call $sigmoid_v (local.get $x)) (local.get $dy)))
            (br $store))
          ;; swish: s = sigmoid(x); (s + (x·s)·(1 − s))·dy
          (local.set $s (call $sigmoid_v (local.get $x)))
          (local.set $d (f64x2.mul
            (f64x2.add (local.get $s)
              (f64x2.mul (f64x2.mul (local.get $x) (local.get $s)) (f64x2.sub (v128.const f64x2 1 1) (local.get $s))))
            (local.get $dy)))
          (br $store))
        ;; gelu: ((0.5·(1 + erf(x·INV_SQRT2))) + (x·exp((−0.5·x)·x))·INV_SQRT_2PI)·dy
        (local.set $d (f64x2.mul
          (f64x2.add
            (f64x2.mul (v128.const f64x2 0.5 0.5)
              (f64x2.add (v128.const f64x2 1 1)
                (call $erf_v (f64x2.mul (local.get $x) (v128.const f64x2 0.7071067811865476 0.7071067811865476)))))
            (f64x2.mul
              (f64x2.mul (local.get $x)
                (call $exp_v (f64x2.mul (f64x2.mul (v128.const f64x2 -0.5 -0.5) (local.get $x)) (local.get $x))))
              (v128.const f64x2 0.3989422804014327 0.3989422804014327)))
          (local.get $dy))))
      (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $d))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; count float32 at src → doubles at dst, two at a time (v128.load64_zero + promote: no shuffles).
  (func $promote_chunk (param $src i32) (param $dst i32) (param $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (v128.store (local.get $dst) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 8)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 2)))
        (br $next))))

  ;; count doubles at src → float32 at dst, each rounded once; stores stop at count.
  (func $demote_chunk (param $src i32) (param $dst i32) (param $count i32)
    (local $v v128)
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        ;; demote gives [r0, r1, 0, 0]: store two lanes, or one for an odd last element
        (local.set $v (f32x4.demote_f64x2_zero (v128.load (local.get $src))))
        (if (i32.ge_s (local.get $count) (i32.const 2))
          (then (v128.store64_lane 0 (local.get $dst) (local.get $v)))
          (else (v128.store32_lane 0 (local.get $dst) (local.get $v))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 2)))
        (br $next))))

  ;; Shortcut for float32: where the float64 formula is a selection, a sign change, or one IEEE
  ;; operation on float32 values, its result rounded to float32 equals the float32 operation itself
  ;; (for + − × ÷ √ double rounding is innocuous: 53 ≥ 2·24 + 2 bits), so these run on f32x4 directly.
  ;; Forward: codes 0..5 (linear, neg, abs, square, sqrt, relu). bytes: a positive multiple of 16.
  (func $unary_exact_f32 (param $op i32) (param $src i32) (param $dst i32) (param $bytes i32)
    (local $i i32) (local $x v128)
    (block $relu
      (block $sqrt
        (block $square
          (block $abs
            (block $neg
              (block $linear
                (br_table $linear $neg $abs $square $sqrt $relu (local.get $op)))
              (loop $l
                (v128.store (i32.add (local.get $dst) (local.get $i)) (v128.load (i32.add (local.get $src) (local.get $i))))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
              (return))
            (loop $l
              (v128.store (i32.add (local.get $dst) (local.get $i))
                (f32x4.neg (v128.load (i32.add (local.get $src) (local.get $i)))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
            (return))
          (loop $l
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (f32x4.abs (v128.load (i32.add (local.get $src) (local.get $i)))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
          (return))
        (loop $l
          (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
          (v128.store (i32.add (local.get $dst) (local.get $i)) (f32x4.mul (local.get $x) (local.get $x)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
        (return))
      (loop $l
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (f32x4.sqrt (v128.load (i32.add (local.get $src) (local.get $i)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
      (return))
    (loop $l
      (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
      (v128.store (i32.add (local.get $dst) (local.get $i))
        (v128.bitselect (v128.const f32x4 0 0 0 0) (local.get $x) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; Backward: linear, neg, abs, relu, hardSigmoid (dy / 6 is one division) and log (dy / x).
  ;; Returns 0, doing nothing, for the other ops.
  (func $unary_backward_exact_f32 (param $op i32) (param $xs i32) (param $dys i32) (param $dst i32) (param $bytes i32)
    (result i32)
    (local $i i32) (local $x v128) (local $dy v128) (local $d v128)
    (block $inexact
      (block $log
        (block $hardSigmoid
          (block $relu
            (block $abs
              (block $neg
                (block $linear
                  (br_table $linear $neg $abs $inexact $inexact $relu $inexact $hardSigmoid $inexact $log $inexact
                    (local.get $op)))
                (loop $l
                  (v128.store (i32.add (local.get $dst) (local.get $i)) (v128.load (i32.add (local.get $dys) (local.get $i))))
                  (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
                (return (i32.const 1)))
              (loop $l
                (v128.store (i32.add (local.get $dst) (local.get $i))
                  (f32x4.neg (v128.load (i32.add (local.get $dys) (local.get $i)))))
                (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
              (return (i32.const 1)))
            ;; abs: x > 0 ? dy : x < 0 ? −dy : 0
            (loop $l
              (local.set $x (v128.load (i32.add (local.get $xs) (local.get $i))))
              (local.set $dy (v128.load (i32.add (local.get $dys) (local.get $i))))
              (v128.store (i32.add (local.get $dst) (local.get $i))
                (v128.bitselect (local.get $dy)
                  (v128.bitselect (f32x4.neg (local.get $dy)) (v128.const f32x4 0 0 0 0)
                    (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)))
                  (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0))))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
            (return (i32.const 1)))
          ;; relu: x > 0 ? dy : 0
          (loop $l
            (v128.store (i32.add (local.get $dst) (local.get $i))
              (v128.bitselect (v128.load (i32.add (local.get $dys) (local.get $i))) (v128.const f32x4 0 0 0 0)
                (f32x4.gt (v128.load (i32.add (local.get $xs) (local.get $i))) (v128.const f32x4 0 0 0 0))))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
          (return (i32.const 1)))
        ;; hardSigmoid: −3 < x < 3 ? dy / 6 : 0
        (loop $l
          (local.set $x (v128.load (i32.add (local.get $xs) (local.get $i))))
          (v128.store (i32.add (local.get $dst) (local.get $i))
            (v128.bitselect
              (f32x4.div (v128.load (i32.add (local.get $dys) (local.get $i))) (v128.const f32x4 6 6 6 6))
              (v128.const f32x4 0 0 0 0)
              (v128.and (f32x4.gt (local.get $x) (v128.const f32x4 -3 -3 -3 -3))
                (f32x4.lt (local.get $x) (v128.const f32x4 3 3 3 3)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
        (return (i32.const 1)))
      ;; log: dy / x
      (loop $l
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (f32x4.div (v128.load (i32.add (local.get $dys) (local.get $i))) (v128.load (i32.add (local.get $xs) (local.get $i)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes))))
      (return (i32.const 1)))
    (i32.const 0))

  (func (export "unary_f32") (param $op i32) (param $x i32) (param $out i32) (param $n i32) (param $alpha f64)
    (local $c i32) (local $full i32)
    ;; Exact ops: whole vectors directly; the last n mod 4 elements join the general path below.
    (if (i32.and (i32.le_u (local.get $op) (i32.const 5)) (i32.ge_s (local.get $n) (i32.const 4)))
      (then
        (local.set $full (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
        (call $unary_exact_f32 (local.get $op) (local.get $x) (local.get $out) (local.get $full))
        (local.set $x (i32.add (local.get $x) (local.get $full)))
        (local.set $out (i32.add (local.get $out) (local.get $full)))
        (local.set $n (i32.and (local.get $n) (i32.const 3)))))
    (block $done
      (loop $chunks
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $c (select (i32.const 256) (local.get $n) (i32.gt_s (local.get $n) (i32.const 256))))
        (call $promote_chunk (local.get $x) (global.get $chunk_x) (local.get $c))
        (call $unary_apply (local.get $op) (global.get $chunk_x) (global.get $chunk_x) (local.get $c) (local.get $alpha))
        (call $demote_chunk (global.get $chunk_x) (local.get $out) (local.get $c))
        (local.set $x (i32.add (local.get $x) (i32.const 1024)))
        (local.set $out (i32.add (local.get $out) (i32.const 1024)))
        (local.set $n (i32.sub (local.get $n) (i32.const 256)))
        (br $chunks))))

  (func (export "unary_backward_f32") (param $op i32) (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (param $alpha f64)
    (local $c i32) (local $full i32)
    (if (i32.ge_s (local.get $n) (i32.const 4))
      (then
        (local.set $full (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
        (if (call $unary_backward_exact_f32 (local.get $op) (local.get $x) (local.get $dy) (local.get $dx) (local.get $full))
          (then
            (local.set $x (i32.add (local.get $x) (local.get $full)))
            (local.set $dy (i32.add (local.get $dy) (local.get $full)))
            (local.set $dx (i32.add (local.get $dx) (local.get $full)))
            (local.set $n (i32.and (local.get $n) (i32.const 3)))))))
    (block $done
      (loop $chunks
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $c (select (i32.const 256) (local.get $n) (i32.gt_s (local.get $n) (i32.const 256))))
        (call $promote_chunk (local.get $x) (global.get $chunk_x) (local.get $c))
        (call $promote_chunk (local.get $dy) (global.get $chunk_dy) (local.get $c))
        (call $unary_backward_apply (local.get $op) (global.get $chunk_x) (global.get $chunk_dy) (global.get $chunk_x)
          (local.get $c) (local.get $alpha))
        (call $demote_chunk (global.get $chunk_x) (local.get $dx) (local.get $c))
        (local.set $x (i32.add (local.get $x) (i32.const 1024)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 1024)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 1024)))
        (local.set $n (i32.sub (local.get $n) (i32.const 256)))
        (br $chunks))))

  ;; float64: in place for all whole vectors; an odd last element goes through the scratch chunk so
  ;; that nothing is stored past the end of out.
  (func (export "unary_f64") (param $op i32) (param $x i32) (param $out i32) (param $n i32) (param $alpha f64)
    (local $full i32)
    (local.set $full (i32.and (local.get $n) (i32.const -2)))
    (call $unary_apply (local.get $op) (local.get $x) (local.get $out) (local.get $full) (local.get $alpha))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $full (i32.shl (local.get $full) (i32.const 3)))
        (v128.store (global.get $chunk_x) (v128.load (i32.add (local.get $x) (local.get $full))))
        (call $unary_apply (local.get $op) (global.get $chunk_x) (global.get $chunk_x) (i32.const 1) (local.get $alpha))
        (i64.store (i32.add (local.get $out) (local.get $full)) (i64.load (global.get $chunk_x))))))

  (func (export "unary_backward_f64") (param $op i32) (param $x i32) (param $dy i32) (param $dx i32) (param $n i32)
    (param $alpha f64)
    (local $full i32)
    (local.set $full (i32.and (local.get $n) (i32.const -2)))
    (call $unary_backward_apply (local.get $op) (local.get $x) (local.get $dy) (local.get $dx) (local.get $full)
      (local.get $alpha))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $full (i32.shl (local.get $full) (i32.const 3)))
        (v128.store (global.get $chunk_x) (v128.load (i32.add (local.get $x) (local.get $full))))
        (v128.store (global.get $chunk_dy) (v128.load (i32.add (local.get $dy) (local.get $full))))
        (call $unary_backward_apply (local.get $op) (global.get $chunk_x) (global.get $chunk_dy) (global.get $chunk_x)
          (i32.const 1) (local.get $alpha))
        (i64.store (i32.add (local.get $dx) (local.get $full)) (i64.load (global.get $chunk_x))))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Adam / AdamW update of a float32 variable, in place (Backend.adamUpdate, docs/optimizers.md). Per
  ;; element, every operation rounded to float32 — which each f32x4 operation is:
  ;;   [decay]    w′ = w − (w·wd)·lr              (otherwise w′ = w)
  ;;              m = m + (g − m)·c1;  v = v + (g·g − v)·c2
  ;;   [amsgrad]  vHat = max(vHat, v), the v used below
  ;;              w = w′ − (m·α) / (√v + ε)
  ;; f32x4.max has Math.max's rules: NaN if either operand is NaN, max(−0, +0) = +0. Lanes are four
  ;; independent elements, so nothing is reordered.

  ;; The update over `bytes` (a multiple of 16) of each buffer, in whole vectors.
  (func $adam_f32_vectors (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $vHat i32)
    (param $bytes i32) (param $lr f32) (param $wd f32) (param $decay i32) (param $alpha f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $amsgrad i32)
    (local $i i32) (local $lrv v128) (local $wdv v128) (local $alphav v128) (local $c1v v128)
    (local $c2v v128) (local $epsv v128) (local $gi v128) (local $wi v128) (local $mi v128) (local $vi v128)
    (if (i32.le_s (local.get $bytes) (i32.const 0)) (then (return)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (local.set $alphav (f32x4.splat (local.get $alpha)))
    (local.set $c1v (f32x4.splat (local.get $c1)))
    (local.set $c2v (f32x4.splat (local.get $c2)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (loop $l
      (local.set $gi (v128.load (i32.add (local.get $g) (local.get $i))))
      (local.set $wi (v128.load (i32.add (local.get $w) (local.get $i))))
      (if (local.get $decay)
        (then
          (local.set $wi (f32x4.sub (local.get $wi)
            (f32x4.mul (f32x4.mul (local.get $wi) (local.get $wdv)) (local.get $lrv))))))
      (local.set $mi (v128.load (i32.add (local.get $m) (local.get $i))))
      (local.set $mi (f32x4.add (local.get $mi)
        (f32x4.mul (f32x4.sub (local.get $gi) (local.get $mi)) (local.get $c1v))))
      (local.set $vi (v128.load (i32.add (local.get $v) (local.get $i))))
      (local.set $vi (f32x4.add (local.get $vi)
        (f32x4.mul (f32x4.sub (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $vi)) (local.get $c2v))))
      (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mi))
      (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vi))
      (if (local.get $amsgrad)
        (then
          (local.set $vi (f32x4.max (v128.load (i32.add (local.get $vHat) (local.get $i))) (local.get $vi)))
          (v128.store (i32.add (local.get $vHat) (local.get $i)) (local.get $vi))))
      (v128.store (i32.add (local.get $w) (local.get $i))
        (f32x4.sub (local.get $wi)
          (f32x4.div (f32x4.mul (local.get $mi) (local.get $alphav))
            (f32x4.add (f32x4.sqrt (local.get $vi)) (local.get $epsv)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (local.get $bytes)))))

  ;; w, m, v (and vHat when amsgrad is 1) updated in place from g, n elements each; decay 0 skips the
  ;; weight decay (wd unused). The last n mod 4 elements run on copies in the scratch chunk (read
  ;; one whole vector past each buffer's last full one, within the host's slack) and are stored back
  ;; lane by lane, so nothing is written past an output's end.
  (func (export "adam_f32") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $vHat i32)
    (param $n i32) (param $lr f32) (param $wd f32) (param $decay i32) (param $alpha f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $amsgrad i32)
    (local $full i32) (local $rest i32) (local $s i32)
    (local.set $full (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (call $adam_f32_vectors (local.get $w) (local.get $g) (local.get $m) (local.get $v) (local.get $vHat)
      (local.get $full) (local.get $lr) (local.get $wd) (local.get $decay) (local.get $alpha)
      (local.get $c1) (local.get $c2) (local.get $eps) (local.get $amsgrad))
    (local.set $rest (i32.and (local.get $n) (i32.const 3)))
    (if (i32.eqz (local.get $rest)) (then (return)))
    ;; scratch layout: w, g, m, v, vHat, one vector each
    (local.set $s (global.get $chunk_x))
    (v128.store (local.get $s) (v128.load (i32.add (local.get $w) (local.get $full))))
    (v128.store offset=16 (local.get $s) (v128.load (i32.add (local.get $g) (local.get $full))))
    (v128.store offset=32 (local.get $s) (v128.load (i32.add (local.get $m) (local.get $full))))
    (v128.store offset=48 (local.get $s) (v128.load (i32.add (local.get $v) (local.get $full))))
    (if (local.get $amsgrad)
      (then (v128.store offset=64 (local.get $s) (v128.load (i32.add (local.get $vHat) (local.get $full))))))
    (call $adam_f32_vectors (local.get $s) (i32.add (local.get $s) (i32.const 16))
      (i32.add (local.get $s) (i32.const 32)) (i32.add (local.get $s) (i32.const 48))
      (i32.add (local.get $s) (i32.const 64)) (i32.const 16) (local.get $lr) (local.get $wd) (local.get $decay)
      (local.get $alpha) (local.get $c1) (local.get $c2) (local.get $eps) (local.get $amsgrad))
    (call $store_f32x4 (i32.add (local.get $w) (local.get $full)) (v128.load (local.get $s)) (local.get $rest))
    (call $store_f32x4 (i32.add (local.get $m) (local.get $full)) (v128.load offset=32 (local.get $s))
      (local.get $rest))
    (call $store_f32x4 (i32.add (local.get $v) (local.get $full)) (v128.load offset=48 (local.get $s))
      (local.get $rest))
    (if (local.get $amsgrad)
      (then
        (call $store_f32x4 (i32.add (local.get $vHat) (local.get $full)) (v128.load offset=64 (local.get $s))
          (local.get $rest)))))
)
