; GIMP 3 for the integration tests: loaded after helpers.scm, it gives the
; cases the few GIMP 2.10 procedures they call, in 2.10's shape, on top of
; GIMP 3.0's and 3.2's script-fu, so one list of cases runs on every GIMP.  Only what
; the cases and helpers.scm use is here; each shim says what changed.

(define gimp3-layer-new gimp-layer-new)
(define gimp3-layer-copy gimp-layer-copy)
(define gimp3-channel-new gimp-channel-new)
(define gimp3-image-get-layers gimp-image-get-layers)
(define gimp3-item-get-children gimp-item-get-children)
(define gimp3-set-profile-from-file gimp-image-set-color-profile-from-file)

; 3.0 puts the name second.
(define (gimp-layer-new img w h type name opacity mode)
  (gimp3-layer-new img name w h type opacity mode))
(define (gimp-channel-new img w h name opacity color)
  (gimp3-channel-new img name w h opacity color))

; 3.0's copy has no add-alpha argument.
(define (gimp-layer-copy layer add-alpha)
  (let ((copy (car (gimp3-layer-copy layer))))
    (if (= add-alpha 1) (gimp-layer-add-alpha copy))
    (list copy)))

(define (gimp-layer-group-new img) (gimp-group-layer-new img ""))

; plug-in-plasma is gone; the GEGL operation it became, over the drawable
; only (its default extent, 1024x768, would grow the layer).
(define (plug-in-plasma mode img drawable seed turbulence)
  (gimp-drawable-merge-new-filter drawable "gegl:plasma" 0 LAYER-MODE-REPLACE 1.0
                                  "seed" seed "turbulence" turbulence
                                  "x" 0 "y" 0
                                  "width" (car (gimp-drawable-get-width drawable))
                                  "height" (car (gimp-drawable-get-height drawable))))

(define PRECISION-U16-GAMMA PRECISION-U16-NON-LINEAR)

; 3.0's object arrays carry no separate count.
(define (gimp-image-get-layers img)
  (let ((v (car (gimp3-image-get-layers img)))) (list (vector-length v) v)))
(define (gimp-item-get-children item)
  (let ((v (car (gimp3-item-get-children item)))) (list (vector-length v) v)))

; Renamed.
(define gimp-item-is-valid gimp-item-id-is-valid)
(define gimp-item-is-layer gimp-item-id-is-layer)
(define gimp-drawable-offsets gimp-drawable-get-offsets)
(define gimp-drawable-width gimp-drawable-get-width)
(define gimp-drawable-height gimp-drawable-get-height)

; 3.0 takes a path, not a URI.
(define (gimp-image-set-color-profile-from-file img uri)
  (gimp3-set-profile-from-file
   img (if (and (> (string-length uri) 7) (string=? (substring uri 0 7) "file://"))
           (substring uri 7 (string-length uri))
           uri)))

; PNG files: 3.0 exports images, so a drawable is saved through an image of
; its own, at the source image's precision (indexed drawables as RGB, as
; loaders and the checks see them).
(define (file-png-load mode path name) (gimp-file-load mode path))
(define (file-png-save2 mode img drawable path name . ignored)
  (let* ((indexed (= (car (gimp-image-get-base-type img)) INDEXED))
         (w (car (gimp-drawable-get-width drawable)))
         (h (car (gimp-drawable-get-height drawable)))
         (tmp (car (gimp-image-new w h (if indexed RGB (car (gimp-image-get-base-type img))))))
         (precision (car (gimp-image-get-precision img)))
         (dummy (if (and (not indexed) (not (= precision (car (gimp-image-get-precision tmp)))))
                    (gimp-image-convert-precision tmp precision)))
         (copy (car (gimp-layer-new-from-drawable drawable tmp))))
    (gimp-image-insert-layer tmp copy 0 0)
    (gimp-layer-set-offsets copy 0 0)
    (gimp-file-save RUN-NONINTERACTIVE tmp path -1)
    (gimp-image-delete tmp)))

; The plug-in: an image procedure takes its drawables as an array, and
; returns its layers without a count; answer in 2.10's shape.  A cancelled
; dialog returns no layers at all.  Called by name, as GIMP 3.2 wants (it
; warns on each positional call of a plug-in); 3.0 takes names too.
(define (call-plug-in case mode img drawable prompt model n size fmt user options)
  (let ((r (call-capturing-error
            (lambda () (plug-in-ai-image-edit #:run-mode mode #:image img
                                              #:drawables (vector drawable)
                                              #:prompt prompt #:model model #:n n
                                              #:size size #:response-format fmt
                                              #:user user #:options options)))))
    (if (eq? (car r) 'ok)
        (let ((values (cadr r)))
          (if (and (pair? values) (vector? (car values)))
              (list (vector-length (car values)) (car values))
              #f))
        (let ((port (open-output-file (file-in-out (string-append case "-error.txt")))))
          (display (cadr r) port)
          (close-output-port port)
          #f))))
