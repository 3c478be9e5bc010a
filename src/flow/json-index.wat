;; Where every object and array of a JSON text ends: the structural index behind lint's positions on big
;; flows (src/flow/json-index.ts builds it, src/flow/source.ts reads it). `npm run gen:wasm` assembles this
;; file into json-index-wasm.ts; the test in test/flow/json-index.test.ts checks the two agree.
;;
;; The JavaScript scanner looks at every character between a flow's strings to skip the nodes no finding
;; names, and runs as cold code in a one-shot CLI. This scans 64 bytes a step with SIMD compares, the way
;; simdjson's first stage does: bit masks of quotes, backslashes, brackets, commas and line feeds; escaped quotes
;; dropped; a prefix XOR of the quotes masks out everything inside strings; then each bracket left is pushed
;; or popped on a stack. Offsets are UTF-16 code units (what a JavaScript string counts), from the byte
;; offsets and the UTF-8 continuation bytes and 4-byte leads before them.
;;
;; Memory (laid out by the caller): the UTF-8 text at 0, padded with spaces to a multiple of 64 bytes; the
;; stack of open entries (i32 each) at $stk; the entries at $out, 32 bytes each, in the order their
;; brackets open: [open, close, line feeds before open, line feeds before close, the entry after the last
;; one inside, commas directly inside, containers directly inside, 0].
;; The text is valid JSON (JSON.parse took it): no raw line feed inside a string.
;;
;; refs() answers another question of the same bytes: which {{name}} references there are (lint's quick
;; check of which variables a file uses, src/flow/variables.ts), also in slices. It writes each distinct
;; name once, as byte offsets [name start, name end), at the address the caller gives: a 10k-node flow
;; has ~14k references of ~400 names, and cold JavaScript paid for every one.
(module
  (memory (export "memory") 1)

  ;; State between calls of scan(): the caller feeds the text in slices, so that V8 can move the loop to
  ;; optimised code between them (a WebAssembly call never changes tier while it runs).
  (global $inString (mut i64) (i64.const 0))   ;; all ones when the next block starts inside a string
  (global $escaped (mut i64) (i64.const 0))    ;; 1 when the next block's first byte is escaped
  (global $lines (mut i32) (i32.const 0))      ;; line feeds before the next block
  (global $adjust (mut i32) (i32.const 0))     ;; bytes minus UTF-16 units before the next block
  (global $count (mut i32) (i32.const 0))      ;; entries so far
  (global $depth (mut i32) (i32.const 0))      ;; entries on the stack
  (global $out (mut i32) (i32.const 0))
  (global $stk (mut i32) (i32.const 0))
  (global $maxDepth (mut i32) (i32.const 0))
  (global $maxCount (mut i32) (i32.const 0))

  (func (export "init") (param $out i32) (param $stk i32) (param $maxDepth i32) (param $maxCount i32)
    (global.set $inString (i64.const 0))
    (global.set $escaped (i64.const 0))
    (global.set $lines (i32.const 0))
    (global.set $adjust (i32.const 0))
    (global.set $count (i32.const 0))
    (global.set $depth (i32.const 0))
    (global.set $out (local.get $out))
    (global.set $stk (local.get $stk))
    (global.set $maxDepth (local.get $maxDepth))
    (global.set $maxCount (local.get $maxCount)))

  ;; State of refs() between slices: how many distinct names there are, and the hash table of those
  ;; (65536 slots of 4 bytes: 0 free, else 1 + the name's number).
  (global $refCount (mut i32) (i32.const 0))
  (global $refTable (mut i32) (i32.const 0))

  (func (export "refsInit") (param $table i32)
    (global.set $refCount (i32.const 0))
    (global.set $refTable (local.get $table))
    (memory.fill (local.get $table) (i32.const 0) (i32.const 262144)))
  (func (export "refCount") (result i32) (global.get $refCount))

  ;; FNV-1a of the bytes [s, e).
  (func $hash (param $s i32) (param $e i32) (result i32)
    (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $s) (local.get $e)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $s))) (i32.const 0x01000193)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $each)))
    (local.get $h))

  ;; 1 when the $n bytes at $a and at $b are the same.
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $differ
      (loop $each
        (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
        (br_if $differ (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $each)))
    (i32.const 0))

  ;; Record the name [s, e) unless an equal one is recorded. 0 when fine, -1 when it would be name
  ;; number $max + 1 ($max stays below the table's 65536 slots, so a free slot is always found).
  (func $addRef (param $s i32) (param $e i32) (param $out i32) (param $max i32) (result i32)
    (local $slot i32) (local $v i32) (local $w i32)
    (local.set $slot (i32.and (call $hash (local.get $s) (local.get $e)) (i32.const 0xffff)))
    (loop $probe
      (local.set $v (i32.load (i32.add (global.get $refTable) (i32.shl (local.get $slot) (i32.const 2)))))
      (if (i32.eqz (local.get $v))
        (then
          (if (i32.ge_u (global.get $refCount) (local.get $max)) (then (return (i32.const -1))))
          (local.set $w (i32.add (local.get $out) (i32.shl (global.get $refCount) (i32.const 3))))
          (i32.store offset=0 (local.get $w) (local.get $s))
          (i32.store offset=4 (local.get $w) (local.get $e))
          (global.set $refCount (i32.add (global.get $refCount) (i32.const 1)))
          (i32.store (i32.add (global.get $refTable) (i32.shl (local.get $slot) (i32.const 2))) (global.get $refCount))
          (return (i32.const 0))))
      (local.set $w (i32.add (local.get $out) (i32.shl (i32.sub (local.get $v) (i32.const 1)) (i32.const 3))))
      (if (i32.eq (i32.sub (i32.load offset=4 (local.get $w)) (i32.load offset=0 (local.get $w))) (i32.sub (local.get $e) (local.get $s)))
        (then
          (if (call $same (i32.load offset=0 (local.get $w)) (local.get $s) (i32.sub (local.get $e) (local.get $s)))
            (then (return (i32.const 0))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (i32.const 0xffff)))
      (br $probe))
    (i32.const 0))

  ;; Every complete reference whose "{{" starts in [from, to) of a text of $len bytes, as the regex
  ;; /\{\{([^{}]*)\}\}/g finds them: a "{{", the bytes up to the first brace after it, and that brace is
  ;; "}}". (The regex's next search starts after that "}}"; no "{{" can start before it, as the name holds no
  ;; brace, so every pair is tried.) Each distinct name (its bytes as written, untrimmed) goes
  ;; once to $out + 8 * its number: [name start, name end), i32 each. 0 when fine; -1 when there would be
  ;; more than $max names (the caller falls back to its own loop). Reads up to 16 bytes past $to: the
  ;; caller's memory has room there.
  (func (export "refs") (param $from i32) (param $to i32) (param $len i32) (param $out i32) (param $max i32) (result i32)
    (local $p i32) (local $m i32) (local $c i32) (local $j i32) (local $b i32)
    (local.set $p (local.get $from))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $p) (local.get $to)))
        ;; Bit k: bytes p+k and p+k+1 are both '{' (0x7b).
        (local.set $m (i8x16.bitmask (v128.and
          (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 0x7b)))
          (i8x16.eq (v128.load offset=1 (local.get $p)) (i8x16.splat (i32.const 0x7b))))))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.eqz (local.get $m)))
            (local.set $c (i32.add (local.get $p) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            ;; Past the slice or the text (bytes there are not the text's): so is every later pair.
            (br_if $pairsDone (i32.ge_u (local.get $c) (local.get $to)))
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $c) (i32.const 1)) (local.get $len)))
            ;; The first brace after the pair, or the end of the text.
            (local.set $j (i32.add (local.get $c) (i32.const 2)))
            (block $brace
              (loop $scan
                (br_if $brace (i32.ge_u (local.get $j) (local.get $len)))
                (local.set $b (i32.load8_u (local.get $j)))
                (br_if $brace (i32.eq (local.get $b) (i32.const 0x7b)))
                (br_if $brace (i32.eq (local.get $b) (i32.const 0x7d)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $scan)))
            (if (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $len))
              (then
                (if (i32.and
                      (i32.eq (i32.load8_u (local.get $j)) (i32.const 0x7d))
                      (i32.eq (i32.load8_u offset=1 (local.get $j)) (i32.const 0x7d)))
                  (then
                    (if (call $addRef (i32.add (local.get $c) (i32.const 2)) (local.get $j) (local.get $out) (local.get $max))
                      (then (return (i32.const -1))))))))
            (br $pairs)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $blocks)))
    (i32.const 0))

  (func (export "count") (result i32) (global.get $count))
  (func (export "depth") (result i32) (global.get $depth))
  (func (export "adjust") (result i32) (global.get $adjust))

  ;; The UTF-16 offset of byte $at of the block at $base, from the block's masks of UTF-8 continuation
  ;; bytes and 4-byte leads ($at may be 64: the offset just past the block).
  (func $units (param $base i32) (param $at i32) (param $cont i64) (param $four i64) (result i32)
    (local $before i64)
    (local.set $before
      (if (result i64) (i32.ge_u (local.get $at) (i32.const 64))
        (then (i64.const -1))
        (else (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $at))) (i64.const 1)))))
    (i32.add
      (i32.sub
        (i32.sub (i32.add (local.get $base) (local.get $at)) (global.get $adjust))
        (i32.wrap_i64 (i64.popcnt (i64.and (local.get $cont) (local.get $before)))))
      (i32.wrap_i64 (i64.popcnt (i64.and (local.get $four) (local.get $before))))))

  ;; The address of the innermost open container's entry, or -1 outside every container.
  (func $top (result i32)
    (if (result i32) (i32.eqz (global.get $depth))
      (then (i32.const -1))
      (else (i32.add (global.get $out)
        (i32.shl
          (i32.load (i32.sub (i32.add (global.get $stk) (i32.shl (global.get $depth) (i32.const 2))) (i32.const 4)))
          (i32.const 5))))))

  ;; Count the commas in mask $m for the container whose entry is at $entry (none at the top level).
  (func $addCommas (param $entry i32) (param $m i64)
    (if (i32.ge_s (local.get $entry) (i32.const 0))
      (then (i32.store offset=20 (local.get $entry)
        (i32.add (i32.load offset=20 (local.get $entry)) (i32.wrap_i64 (i64.popcnt (local.get $m))))))))

  ;; Index the 64-byte blocks in [from, to). 0 when fine; -1 a close with nothing open, -2 more entries
  ;; than maxCount, -3 nesting deeper than maxDepth (the caller then falls back to its own scanner).
  (func (export "scan") (param $from i32) (param $to i32) (result i32)
    (local $p i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $quote i64) (local $backslash i64) (local $open i64) (local $close i64) (local $lf i64) (local $comma i64)
    (local $cont i64) (local $four i64) (local $ascii i32)
    (local $esc i64) (local $carry i64) (local $m i64) (local $k i32)
    (local $inside i64) (local $brackets i64) (local $bit i64) (local $at i32) (local $offset i32)
    (local $entry i32) (local $before i32) (local $parent i32)
    (local.set $p (local.get $from))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $p) (local.get $to)))
        (local.set $v0 (v128.load offset=0 (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))

        ;; '"' 0x22
        (local.set $quote (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 0x22)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x22))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x22))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x22))))) (i64.const 48)))))
        ;; '\' 0x5c
        (local.set $backslash (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 0x5c)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x5c))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x5c))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x5c))))) (i64.const 48)))))
        ;; line feed 0x0a
        (local.set $lf (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 0x0a)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x0a))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x0a))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x0a))))) (i64.const 48)))))
        ;; With 0x20 set, '[' (0x5b) reads as '{' (0x7b) and ']' (0x5d) as '}' (0x7d); nothing else does.
        (local.set $w0 (v128.or (local.get $v0) (i8x16.splat (i32.const 0x20))))
        (local.set $w1 (v128.or (local.get $v1) (i8x16.splat (i32.const 0x20))))
        (local.set $w2 (v128.or (local.get $v2) (i8x16.splat (i32.const 0x20))))
        (local.set $w3 (v128.or (local.get $v3) (i8x16.splat (i32.const 0x20))))
        (local.set $open (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w0) (i8x16.splat (i32.const 0x7b)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w1) (i8x16.splat (i32.const 0x7b))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w2) (i8x16.splat (i32.const 0x7b))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w3) (i8x16.splat (i32.const 0x7b))))) (i64.const 48)))))
        (local.set $close (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w0) (i8x16.splat (i32.const 0x7d)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w1) (i8x16.splat (i32.const 0x7d))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w2) (i8x16.splat (i32.const 0x7d))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $w3) (i8x16.splat (i32.const 0x7d))))) (i64.const 48)))))

;; ',' 0x2c
        (local.set $comma (i64.or
          (i64.or
            (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (i8x16.splat (i32.const 0x2c)))))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x2c))))) (i64.const 16)))
          (i64.or
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x2c))))) (i64.const 32))
            (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x2c))))) (i64.const 48)))))

        ;; Bytes of 0x80 and above: UTF-8 continuation bytes (0x80-0xbf) count no UTF-16 unit, 4-byte
        ;; leads (0xf0 and above) one more than their byte.
        (local.set $ascii (i32.eqz (i8x16.bitmask
          (v128.or (v128.or (local.get $v0) (local.get $v1)) (v128.or (local.get $v2) (local.get $v3))))))
        (if (local.get $ascii)
          (then
            (local.set $cont (i64.const 0))
            (local.set $four (i64.const 0)))
          (else
            (local.set $cont (i64.or
              (i64.or
                (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_s (local.get $v0) (i8x16.splat (i32.const -64)))))
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_s (local.get $v1) (i8x16.splat (i32.const -64))))) (i64.const 16)))
              (i64.or
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_s (local.get $v2) (i8x16.splat (i32.const -64))))) (i64.const 32))
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.lt_s (local.get $v3) (i8x16.splat (i32.const -64))))) (i64.const 48)))))
            (local.set $four (i64.or
              (i64.or
                (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (local.get $v0) (i8x16.splat (i32.const 0xf0)))))
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (local.get $v1) (i8x16.splat (i32.const 0xf0))))) (i64.const 16)))
              (i64.or
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (local.get $v2) (i8x16.splat (i32.const 0xf0))))) (i64.const 32))
                (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.ge_u (local.get $v3) (i8x16.splat (i32.const 0xf0))))) (i64.const 48)))))))

        ;; Escaped bytes: a backslash that is not itself escaped escapes the byte after it. Backslashes are
        ;; few (a prompt's \n), so one at a time.
        (local.set $esc (global.get $escaped))
        (local.set $carry (i64.const 0))
        (local.set $m (local.get $backslash))
        (block $escapesDone
          (loop $escapes
            (br_if $escapesDone (i64.eqz (local.get $m)))
            (local.set $k (i32.wrap_i64 (i64.ctz (local.get $m))))
            (local.set $m (i64.and (local.get $m) (i64.sub (local.get $m) (i64.const 1))))
            (if (i64.eqz (i64.and (local.get $esc) (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $k)))))
              (then
                (if (i32.eq (local.get $k) (i32.const 63))
                  (then (local.set $carry (i64.const 1)))
                  (else (local.set $esc (i64.or (local.get $esc) (i64.shl (i64.const 2) (i64.extend_i32_u (local.get $k)))))))))
            (br $escapes)))
        (global.set $escaped (local.get $carry))
        (local.set $quote (i64.and (local.get $quote) (i64.xor (local.get $esc) (i64.const -1))))

        ;; Inside strings: the prefix XOR of the quotes (an opening quote and what follows it up to, not
        ;; including, the closing one), continued from the block before.
        (local.set $inside (local.get $quote))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 1))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 2))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 4))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 8))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 16))))
        (local.set $inside (i64.xor (local.get $inside) (i64.shl (local.get $inside) (i64.const 32))))
        (local.set $inside (i64.xor (local.get $inside) (global.get $inString)))
        (global.set $inString (i64.shr_s (local.get $inside) (i64.const 63)))

        ;; Each bracket outside strings, in order; the commas before it count for the container it is in.
        (local.set $brackets (i64.and (i64.or (local.get $open) (local.get $close)) (i64.xor (local.get $inside) (i64.const -1))))
        (local.set $comma (i64.and (local.get $comma) (i64.xor (local.get $inside) (i64.const -1))))
        (block $bracketsDone
          (loop $eachBracket
            (br_if $bracketsDone (i64.eqz (local.get $brackets)))
            (local.set $at (i32.wrap_i64 (i64.ctz (local.get $brackets))))
            (local.set $bit (i64.and (local.get $brackets) (i64.sub (i64.const 0) (local.get $brackets))))
            (local.set $brackets (i64.xor (local.get $brackets) (local.get $bit)))
            (local.set $parent (call $top))
            (local.set $m (i64.and (local.get $comma) (i64.sub (local.get $bit) (i64.const 1))))
            (if (i64.ne (local.get $m) (i64.const 0))
              (then
                (call $addCommas (local.get $parent) (local.get $m))
                (local.set $comma (i64.xor (local.get $comma) (local.get $m)))))
                (local.set $offset
                  (if (result i32) (local.get $ascii)
                    (then (i32.sub (i32.add (local.get $p) (local.get $at)) (global.get $adjust)))
                    (else (call $units (local.get $p) (local.get $at) (local.get $cont) (local.get $four)))))
                ;; Line feeds before the bracket: this block's before it, and the ones before the block.
                (local.set $before (i32.add (global.get $lines)
                  (i32.wrap_i64 (i64.popcnt (i64.and (local.get $lf) (i64.sub (local.get $bit) (i64.const 1)))))))
                (if (i64.ne (i64.and (local.get $open) (local.get $bit)) (i64.const 0))
                  (then
                    (if (i32.ge_u (global.get $count) (global.get $maxCount)) (then (return (i32.const -2))))
                    (if (i32.ge_u (global.get $depth) (global.get $maxDepth)) (then (return (i32.const -3))))
                    (if (i32.ge_s (local.get $parent) (i32.const 0))
                      (then (i32.store offset=24 (local.get $parent) (i32.add (i32.load offset=24 (local.get $parent)) (i32.const 1)))))
                    (local.set $entry (i32.add (global.get $out) (i32.shl (global.get $count) (i32.const 5))))
                    (i32.store offset=0 (local.get $entry) (local.get $offset))
                    (i32.store offset=8 (local.get $entry) (local.get $before))
                    (i32.store offset=20 (local.get $entry) (i32.const 0))
                    (i32.store offset=24 (local.get $entry) (i32.const 0))
                    (i32.store
                      (i32.add (global.get $stk) (i32.shl (global.get $depth) (i32.const 2)))
                      (global.get $count))
                    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
                    (global.set $count (i32.add (global.get $count) (i32.const 1))))
                  (else
                    (if (i32.lt_s (local.get $parent) (i32.const 0)) (then (return (i32.const -1))))
                    (global.set $depth (i32.sub (global.get $depth) (i32.const 1)))
                    (i32.store offset=4 (local.get $parent) (local.get $offset))
                    (i32.store offset=12 (local.get $parent) (local.get $before))
                    (i32.store offset=16 (local.get $parent) (global.get $count))))
            (br $eachBracket)))
        (if (i64.ne (local.get $comma) (i64.const 0))
          (then (call $addCommas (call $top) (local.get $comma))))

        (global.set $lines (i32.add (global.get $lines) (i32.wrap_i64 (i64.popcnt (local.get $lf)))))
        (global.set $adjust
          (i32.add (global.get $adjust)
            (i32.wrap_i64 (i64.sub (i64.popcnt (local.get $cont)) (i64.popcnt (local.get $four))))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $blocks)))
    (i32.const 0)))
