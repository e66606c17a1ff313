; Script-Fu helpers for the integration tests.  Each case writes its facts
; as "key<TAB>value" lines to OUT (a path the driver sets with (set! ...)).
; Python (tests/integration/run.py) reads them and checks everything.

(define out-port #f)
(define out-dir "/tmp")

(define (out-open path dir)
  (set! out-port (open-output-file path))
  (set! out-dir dir))

(define (out . items)
  (let loop ((items items) (first #t))
    (if (pair? items)
        (begin
          (if (not first) (display "\t" out-port))
          (display (car items) out-port)
          (loop (cdr items) #f))))
  (newline out-port))

(define (out-close) (close-output-port out-port))

(define (file-in-out name) (string-append out-dir "/" name))

; When set to (x y w h), composites are saved cropped to that rectangle
; and drawables are not saved (for large images).
(define crop-rect #f)

; Saves the visible composite of img (a merged duplicate) as PNG.
(define (save-composite img name)
  (let* ((dup (car (gimp-image-duplicate img))))
    (if crop-rect
        (gimp-image-crop dup (caddr crop-rect) (cadddr crop-rect)
                         (car crop-rect) (cadr crop-rect)))
    (let ((merged (car (gimp-image-merge-visible-layers dup CLIP-TO-IMAGE))))
      ; Every composite reaches the PNG in one format, converted once in
      ; GIMP itself: babl picks a conversion by timing, per format pair and
      ; per process, and two picks may round a float value differently
      ; (one 16-bit level, at random pixels).  With one layer, merging
      ; keeps it without alpha; the export plug-in is a new process each time.
      (gimp-layer-add-alpha merged)
      (if (>= (car (gimp-image-get-precision dup)) 500)
          (gimp-image-convert-precision dup PRECISION-U16-GAMMA))
      (file-png-save2 RUN-NONINTERACTIVE dup merged (file-in-out name) name 0 1 0 0 0 0 0 0 0))
    (gimp-image-delete dup)))

; A case on a large image, saving only the crop around the edit.
(define (run-case-crop case img drawable crop prompt model n size fmt user options)
  (set! crop-rect crop)
  (run-case case img drawable prompt model n size fmt user options)
  (set! crop-rect #f))

; A PNG from the tests' out folder, and its layer.
(define (load-picture name)
  (car (file-png-load RUN-NONINTERACTIVE (file-in-out name) name)))

(define (save-drawable img drawable name)
  (if (not crop-rect)
      (file-png-save2 RUN-NONINTERACTIVE img drawable (file-in-out name) name 0 1 0 0 0 0 0 0 0)))

(define (plain-layer? item)
  (and (= (car (gimp-item-is-valid item)) 1)
       (= (car (gimp-item-is-layer item)) 1) (= (car (gimp-item-is-group item)) 0)))

(define (bool x) (if (or (eq? x #f) (= x 0)) 0 1))

; One line per layer of the image tree: id, parent, position, name, offsets,
; size, whether it has a mask, whether it is a group.
(define (report-layers case img)
  (define (walk layers parent)
    (let loop ((i 0))
      (if (< i (vector-length layers))
          (let* ((l (vector-ref layers i))
                 (offs (gimp-drawable-offsets l))
                 (group (car (gimp-item-is-group l))))
            (out case "layer" l parent i (car (gimp-item-get-name l))
                 (car offs) (cadr offs)
                 (car (gimp-drawable-width l)) (car (gimp-drawable-height l))
                 (if (= (car (gimp-layer-get-mask l)) -1) 0 1)
                 group
                 (car (gimp-drawable-type l)))
            (if (= group 1)
                (walk (cadr (gimp-item-get-children l)) l))
            (loop (+ i 1))))))
  (walk (cadr (gimp-image-get-layers img)) -1))

; Every item in the layer tree, groups and their children included.
(define (count-layers img)
  (define (count layers)
    (let loop ((i 0) (n 0))
      (if (< i (vector-length layers))
          (let ((l (vector-ref layers i)))
            (loop (+ i 1)
                  (+ n 1 (if (= (car (gimp-item-is-group l)) 1)
                             (count (cadr (gimp-item-get-children l)))
                             0))))
          n)))
  (count (cadr (gimp-image-get-layers img))))

(define (report-parasite case layer)
  (let ((p (catch #f (gimp-item-get-parasite layer "ai-image-edit"))))
    (if p
        (let ((port (open-output-file
                     (file-in-out (string-append case "-parasite-"
                                                 (number->string layer) ".txt")))))
          (display (caddr (car p)) port)
          (close-output-port port)
          (out case "parasite" layer (string-length (caddr (car p))))))))

; Calls thunk; returns (ok result) or (error "message") with the text
; script-fu reports when a procedure fails (*error-hook* sees it).
(define (call-capturing-error thunk)
  (call/cc
    (lambda (k)
      (let ((old-hook *error-hook*))
        (set! *error-hook*
              (lambda (msg . rest)
                (set! *error-hook* old-hook)
                (k (list 'error msg))))
        (let ((r (thunk)))
          (set! *error-hook* old-hook)
          (list 'ok r))))))

; The plug-in's result, or #f on failure with the error text written to
; CASE-error.txt (what a script sees).
(define (call-plug-in case mode img drawable prompt model n size fmt user options)
  (let ((r (call-capturing-error
            (lambda () (plug-in-ai-image-edit mode img drawable
                                              prompt model n size fmt user options)))))
    (if (eq? (car r) 'ok)
        (cadr r)
        (let ((port (open-output-file (file-in-out (string-append case "-error.txt")))))
          (display (cadr r) port)
          (close-output-port port)
          #f))))

(define (run-case case img drawable prompt model n size fmt user options)
  (run-case-with RUN-NONINTERACTIVE case img drawable prompt model n size fmt user options))

; The same with the dialog: the test drives it with xdotool.
(define (run-case-interactive case img drawable)
  (run-case-with RUN-INTERACTIVE case img drawable "" "" 1 "" "" "" ""))

; For huge images: no composites saved, only the call and the layers.
(define (run-case-light case img drawable prompt model n size fmt user options)
  (let ((result (call-plug-in case RUN-NONINTERACTIVE img drawable
                              prompt model n size fmt user options)))
    (out case "status" (if result "ok" "error"))
    (report-layers case img)
    (out case "done" 1)))

(define (run-case-with mode case img drawable prompt model n size fmt user options)
  (out case "started" 1)
  (out case "count-before" (count-layers img))
  (save-composite img (string-append case "-before.png"))
  (if (plain-layer? drawable)
      (save-drawable img drawable (string-append case "-drawable-before.png")))
  (file-png-save2 RUN-NONINTERACTIVE img (car (gimp-image-get-selection img))
                  (file-in-out (string-append case "-selection.png"))
                  "selection.png" 0 9 0 0 0 0 0 0 0)
  (let* ((sel-before (gimp-selection-bounds img))
         (result (call-plug-in case mode img drawable prompt model n size fmt user options)))
    ; A cancelled dialog returns GIMP_PDB_CANCEL, which script-fu hands
    ; back without values.
    (if (and result (or (not (pair? result)) (not (number? (car result)))))
        (set! result #f))
    (if result
        (begin
          (out case "status" "ok")
          (out case "returned" (car result))
          (let ((ids (cadr result)))
            (let loop ((i 0))
              (if (< i (vector-length ids))
                  (begin
                    (out case "result" i (vector-ref ids i))
                    (report-parasite case (vector-ref ids i))
                    (loop (+ i 1)))))))
        (out case "status" "error"))
    (out case "selection-unchanged"
         (if (equal? sel-before (gimp-selection-bounds img)) 1 0))
    (out case "undo-enabled" (car (gimp-image-undo-is-enabled img)))
    (report-layers case img)
    (out case "count-after" (count-layers img))
    (save-composite img (string-append case "-after.png"))
    (if (plain-layer? drawable)
        (save-drawable img drawable (string-append case "-drawable-after.png")))
    (out case "done" 1)))

; A test picture: plasma with a fixed seed, so every run sees the same pixels.
(define (make-image w h type)
  (let* ((img (car (gimp-image-new w h RGB)))
         (layer (car (gimp-layer-new img w h RGB-IMAGE "background" 100 LAYER-MODE-NORMAL))))
    (gimp-image-insert-layer img layer 0 0)
    (plug-in-plasma RUN-NONINTERACTIVE img layer 7 2.5)
    (cond ((= type GRAY) (gimp-image-convert-grayscale img))
          ((= type INDEXED) (gimp-image-convert-indexed img CONVERT-DITHER-NONE
                                                        CONVERT-PALETTE-GENERATE 64
                                                        FALSE FALSE "")))
    img))

(define (top-layer img) (vector-ref (cadr (gimp-image-get-layers img)) 0))

; A plasma picture at another precision (16-bit, 32-bit float...).
(define (make-image-precision w h precision)
  (let ((img (make-image w h RGB)))
    (gimp-image-convert-precision img precision)
    img))
