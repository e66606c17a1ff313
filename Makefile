# ai-image-edit.  `make` builds the GIMP-free core as a static library
# and, on it, the plug-in for each GIMP whose development files pkg-config
# finds: build/gimp2/ai-image-edit (libgimp 2.10) and
# build/gimp3/ai-image-edit (libgimp 3.0).  `make check` runs every test;
# `make install` installs system-wide (see below), ./install.sh into the
# person's GIMP profiles.

BUILD    = build
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -ftree-vectorize -Wall -Wextra -Werror=implicit-function-declaration \
           -DG_LOG_DOMAIN=\"ai-image-edit\"
PKG_CORE = glib-2.0 gio-2.0 libcurl json-c libpng libjpeg libwebp libsecret-1
PKG_GIMP = gimp-2.0 gimpui-2.0 gegl-0.4 $(PKG_CORE)
PKG_GIMP3 = gimp-3.0 gimpui-3.0 gegl-0.4 $(PKG_CORE)
CORE_CFLAGS := $(shell pkg-config --cflags $(PKG_CORE)) -Iplugin/core -I$(BUILD)/gen
CORE_LIBS   := $(shell pkg-config --libs $(PKG_CORE)) -lm
# GTK 2's headers use GLib API that GLib now marks deprecated.
GIMP_CFLAGS := $(shell pkg-config --cflags $(PKG_GIMP) 2>/dev/null) \
               -DGLIB_DISABLE_DEPRECATION_WARNINGS -Iplugin/core -Iplugin/glue -Iplugin/gimp2
GIMP_LIBS   := $(shell pkg-config --libs $(PKG_GIMP) 2>/dev/null) -lm
GIMP3_CFLAGS := $(shell pkg-config --cflags $(PKG_GIMP3) 2>/dev/null) \
                -Wno-ignored-qualifiers -Iplugin/core -Iplugin/glue -Iplugin/gimp3
GIMP3_LIBS   := $(shell pkg-config --libs $(PKG_GIMP3) 2>/dev/null) -lm
HAVE_GIMP2 := $(shell pkg-config --exists gimp-2.0 gimpui-2.0 && echo yes)
HAVE_GIMP3 := $(shell pkg-config --exists gimp-3.0 gimpui-3.0 && echo yes)

# plugin/core: the GIMP-free pipeline, unit-tested and fuzzed without GIMP,
# one static library for the tests and the glue.
CORE_SRC = $(wildcard plugin/core/*.c)
# The shipped model table, built in as text too (model-table.c).
MODEL_TABLE = plugin/data/models.ini
# Which headers each object and program includes, the compiler says as it
# compiles (DEPFLAGS, in FILE.d beside each, read at the end of this file),
# so touching a header rebuilds only what includes it.  -MP: a header
# removed or renamed stops no build.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
MODELS_INI_H = $(BUILD)/gen/models-ini.h
# plugin/glue: the glue to libgimp, written once and compiled for each
# GIMP; plugin/gimp2 and plugin/gimp3: what differs (registration, run).
GLUE_SRC  = $(wildcard plugin/glue/*.c)
GLUE2_SRC = $(wildcard plugin/gimp2/*.c)
GLUE3_SRC = $(wildcard plugin/gimp3/*.c)

CORE_OBJ  = $(CORE_SRC:plugin/core/%.c=$(BUILD)/core/%.o)
CORE_LIB  = $(BUILD)/core/libai-image-edit-core.a
GLUE2_OBJ = $(GLUE2_SRC:plugin/gimp2/%.c=$(BUILD)/gimp2/%.o) \
            $(GLUE_SRC:plugin/glue/%.c=$(BUILD)/gimp2/glue/%.o)
PLUGIN    = $(BUILD)/gimp2/ai-image-edit
GLUE3_OBJ = $(GLUE3_SRC:plugin/gimp3/%.c=$(BUILD)/gimp3/%.o) \
            $(GLUE_SRC:plugin/glue/%.c=$(BUILD)/gimp3/glue/%.o)
PLUGIN3   = $(BUILD)/gimp3/ai-image-edit
PLUGINS   = $(if $(HAVE_GIMP2),$(PLUGIN)) $(if $(HAVE_GIMP3),$(PLUGIN3))

UNIT_TESTS = test-model-caps test-edit-job test-region test-edit-area \
             test-pixel-scale test-pixel-png test-api-request test-api-response \
             test-edit-settings test-edit-worker test-edit-form test-retry-policy \
             test-image-decode test-color-match test-edge-blend test-result-render \
             test-cost-estimate test-sse-parser test-image-stream test-model-table \
             test-model-list test-model-choice test-model-discovery
UNIT_BINS  = $(UNIT_TESTS:%=$(BUILD)/tests/%)

# The same core and unit tests under AddressSanitizer + UBSan.
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer -O1 -g
SAN_CORE_OBJ = $(CORE_SRC:plugin/core/%.c=$(BUILD)/asan/core/%.o)
SAN_CORE_LIB = $(BUILD)/asan/core/libai-image-edit-core.a
SAN_BINS     = $(UNIT_TESTS:%=$(BUILD)/asan/tests/%)

# libFuzzer targets (clang) for the code that reads network data.
FUZZ_TARGETS = fuzz-api-response fuzz-base64-png fuzz-png-decode fuzz-url fuzz-image-decode \
               fuzz-sse-parser fuzz-model-table fuzz-model-list
FUZZ_BINS    = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
FUZZ_FLAGS   = -fsanitize=fuzzer,address,undefined -g -O1
FUZZ_CORE_OBJ = $(CORE_SRC:plugin/core/%.c=$(BUILD)/fuzz/core/%.o)
FUZZ_CORE_LIB = $(BUILD)/fuzz/core/libai-image-edit-core.a
FUZZ_SECONDS ?= 60

PO_FILES = $(wildcard po/*.po)
MO_FILES = $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/ai-image-edit.mo)

.SECONDARY:

.PHONY: bench all check check-installed unit sanitize valgrind fuzz fuzz-check integration install \
        install-into uninstall demo clean pot update-po

all: $(PLUGINS) $(CORE_LIB) $(MO_FILES)

# The shipped table as a C string, line by line.
$(MODELS_INI_H): $(MODEL_TABLE)
	@mkdir -p $(dir $@)
	{ echo 'static const char models_ini[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

# The one file that includes the generated header, in each build of the
# core: it must exist before that file's first compile.
$(BUILD)/core/model-table.o $(BUILD)/asan/core/model-table.o \
  $(BUILD)/fuzz/core/model-table.o: $(MODELS_INI_H)

$(BUILD)/core/%.o: plugin/core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(CORE_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/gimp2/%.o: plugin/gimp2/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(GIMP_CFLAGS) -c $< -o $@

$(BUILD)/gimp2/glue/%.o: plugin/glue/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(GIMP_CFLAGS) -c $< -o $@

$(PLUGIN): $(GLUE2_OBJ) $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GLUE2_OBJ) $(CORE_LIB) $(GIMP_LIBS)

$(BUILD)/gimp3/%.o: plugin/gimp3/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(GIMP3_CFLAGS) -c $< -o $@

$(BUILD)/gimp3/glue/%.o: plugin/glue/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(GIMP3_CFLAGS) -c $< -o $@

$(PLUGIN3): $(GLUE3_OBJ) $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GLUE3_OBJ) $(CORE_LIB) $(GIMP3_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(CORE_CFLAGS) -o $@ $< $(CORE_LIB) $(CORE_LIBS)

$(BUILD)/asan/core/%.o: plugin/core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(CORE_CFLAGS) -c $< -o $@

$(SAN_CORE_LIB): $(SAN_CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/tests/%: tests/unit/%.c $(SAN_CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(CORE_CFLAGS) -o $@ $< $(SAN_CORE_LIB) $(CORE_LIBS)

$(BUILD)/fuzz/core/%.o: plugin/core/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(DEPFLAGS) -DG_LOG_DOMAIN=\"ai-image-edit\" $(CORE_CFLAGS) -c $< -o $@

$(FUZZ_CORE_LIB): $(FUZZ_CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE_LIB)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(DEPFLAGS) -DG_LOG_DOMAIN=\"ai-image-edit\" $(CORE_CFLAGS) -o $@ $< \
	  $(FUZZ_CORE_LIB) $(CORE_LIBS)

$(BUILD)/locale/%/LC_MESSAGES/ai-image-edit.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

# The template from the files po/POTFILES.in lists, then every language
# of po/LINGUAS merged with it (new strings untranslated, changed ones fuzzy).
XGETTEXT_FLAGS = --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 \
  --package-name=ai-image-edit --add-comments=TRANSLATORS: --sort-by-file

pot:
	xgettext $(XGETTEXT_FLAGS) --files-from=po/POTFILES.in -o po/ai-image-edit.pot

update-po: pot
	@for lang in $$(grep -v '^#' po/LINGUAS); do \
	  if [ -f po/$$lang.po ]; then \
	    msgmerge --quiet --update --backup=none po/$$lang.po po/ai-image-edit.pot; \
	  else \
	    msginit --no-translator --locale=$$lang.UTF-8 -i po/ai-image-edit.pot -o po/$$lang.po; \
	  fi; \
	done

unit: $(UNIT_BINS)
	@AI_IMAGE_EDIT_ONLY=unit tests/run-all.sh $(UNIT_BINS)

# The integration tests' own GIMP extension (never installed for people),
# for each GIMP there is.
MEDDLE = $(if $(HAVE_GIMP2),$(BUILD)/tests/meddle) $(if $(HAVE_GIMP3),$(BUILD)/tests/meddle3)
$(BUILD)/tests/meddle: tests/integration/meddle.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(GIMP_CFLAGS) -o $@ $< $(GIMP_LIBS)

$(BUILD)/tests/meddle3: tests/integration/meddle3.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(GIMP3_CFLAGS) -o $@ $< $(GIMP3_LIBS)

integration: all $(MEDDLE)
	@AI_IMAGE_EDIT_ONLY=integration tests/run-all.sh

# Everything: unit tests (plain, sanitizers, valgrind), fuzz seeds,
# integration and dialog tests; one closing "N passed, N failed".
# First installs what is missing (a fresh machine has none of it), then
# runs in a new make so pkg-config sees the libraries just installed.
check:
	@./install.sh --deps-only --test-deps
	@$(MAKE) --no-print-directory check-installed

check-installed: all $(UNIT_BINS) $(SAN_BINS) $(FUZZ_BINS) $(MEDDLE)
	@tests/run-all.sh $(UNIT_BINS)

sanitize: $(SAN_BINS)
	@AI_IMAGE_EDIT_ONLY=sanitize tests/run-all.sh $(UNIT_BINS)

valgrind: $(UNIT_BINS)
	@AI_IMAGE_EDIT_ONLY=valgrind tests/run-all.sh $(UNIT_BINS)

fuzz-check: $(FUZZ_BINS)
	@AI_IMAGE_EDIT_ONLY=fuzz tests/run-all.sh

# Runs each fuzz target for FUZZ_SECONDS; new crashes land in build/fuzz/.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# System-wide: into the plug-in folder every GIMP of a series reads,
# pkg-config's gimplibdir/plug-ins (Debian: /usr/lib/gimp/2.0 and
# /usr/lib/x86_64-linux-gnu/gimp/3.0), for each series built.  PREFIX
# replaces GIMP's own prefix at the start of that folder (a GIMP only looks
# there when told to, in Preferences > Folders > Plug-ins); DESTDIR stages
# the install (packages: debian/rules).
plugin_dir = $(if $(PREFIX),$(patsubst $(shell pkg-config --variable=prefix $1)%,$(PREFIX)%,$(shell \
  pkg-config --variable=gimplibdir $1)),$(shell pkg-config --variable=gimplibdir $1))/plug-ins/ai-image-edit
GIMP2_PLUGIN_DIR = $(call plugin_dir,gimp-2.0)
GIMP3_PLUGIN_DIR = $(call plugin_dir,gimp-3.0)

# One plug-in folder: the binary, the shipped model table (the person's
# additions go in the profile, see the README) and the translations, which
# the plug-in finds next to itself.  $1: the binary, $2: the folder.
define install_plugin
	install -d '$2'
	install -m 755 $1 '$2/ai-image-edit'
	install -m 644 $(MODEL_TABLE) '$2/models.ini'
	$(foreach mo,$(MO_FILES),install -D -m 644 $(mo) '$2/$(mo:$(BUILD)/%=%)' &&) true
	@echo "installed into $2"

endef

install: all
	$(if $(HAVE_GIMP2),$(call install_plugin,$(PLUGIN),$(DESTDIR)$(GIMP2_PLUGIN_DIR)))
	$(if $(HAVE_GIMP3),$(call install_plugin,$(PLUGIN3),$(DESTDIR)$(GIMP3_PLUGIN_DIR)))

uninstall:
	$(if $(HAVE_GIMP2),rm -rf '$(DESTDIR)$(GIMP2_PLUGIN_DIR)')
	$(if $(HAVE_GIMP3),rm -rf '$(DESTDIR)$(GIMP3_PLUGIN_DIR)')

# One series into one folder, for install.sh:
#   make install-into SERIES=2|3 DIR=~/.config/GIMP/3.2/plug-ins/ai-image-edit
install-into: all
	$(if $(and $(filter 2 3,$(SERIES)),$(DIR)),,$(error install-into needs SERIES=2|3 and DIR))
	$(call install_plugin,$(BUILD)/gimp$(SERIES)/ai-image-edit,$(DIR))

demo: all
	@/usr/bin/python3 tests/demo.py

# Side-by-side benchmarks with medians and ratios (not part of check).
$(BUILD)/bench/%: tests/bench/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) $(GIMP_CFLAGS) -o $@ $< $(CORE_LIB) $(GIMP_LIBS) $(CORE_LIBS)

bench: all $(BUILD)/bench/bench-region-read
	@$(BUILD)/bench/bench-region-read
	@[ -d tests/bench/sdk/node_modules ] || npm ci --prefix tests/bench/sdk --no-audit --no-fund
	@/usr/bin/python3 tests/bench/bench_edits.py

clean:
	rm -rf $(BUILD)

# The headers each target was built from (DEPFLAGS); none before its first build.
-include $(wildcard $(addsuffix .d,$(CORE_OBJ) $(GLUE2_OBJ) $(GLUE3_OBJ) $(UNIT_BINS) \
  $(SAN_CORE_OBJ) $(SAN_BINS) $(FUZZ_CORE_OBJ) $(FUZZ_BINS) $(BUILD)/tests/meddle \
  $(BUILD)/tests/meddle3) $(BUILD)/bench/*.d)
