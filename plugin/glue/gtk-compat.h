/* The few differences between GTK 2 (GIMP 2.10) and GTK 3 (GIMP 3) that
 * the dialog meets, in one place, as GTK 3 would say them: boxes, the
 * two-column form, icons, scrolled windows.  gimp-compat.h holds the
 * libgimp ones. */
#ifndef AI_IMAGE_EDIT_GTK_COMPAT_H
#define AI_IMAGE_EDIT_GTK_COMPAT_H

#include <gtk/gtk.h>
#include <string.h>

/* The dialog's form: space between rows, and between label and control. */
#define GLUE_FORM_ROW_SPACING    4
#define GLUE_FORM_COLUMN_SPACING 8

static inline GtkWidget *
glue_box_new (GtkOrientation orientation, gint spacing)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  return gtk_box_new (orientation, spacing);
#else
  return orientation == GTK_ORIENTATION_VERTICAL ? gtk_vbox_new (FALSE, spacing)
                                                 : gtk_hbox_new (FALSE, spacing);
#endif
}

static inline void
glue_label_align (GtkWidget *label, gfloat x)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_label_set_xalign (GTK_LABEL (label), x);
#else
  gtk_misc_set_alignment (GTK_MISC (label), x, 0.5);
#endif
}

/* A two-column form: labels on the left, controls filling the right
 * (GTK 2's table is told its rows). */
static inline GtkWidget *
glue_form_new (gint rows)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  GtkWidget *grid = gtk_grid_new ();

  (void) rows;
  gtk_grid_set_row_spacing (GTK_GRID (grid), GLUE_FORM_ROW_SPACING);
  gtk_grid_set_column_spacing (GTK_GRID (grid), GLUE_FORM_COLUMN_SPACING);
  return grid;
#else
  GtkWidget *table = gtk_table_new (rows, 2, FALSE);

  gtk_table_set_row_spacings (GTK_TABLE (table), GLUE_FORM_ROW_SPACING);
  gtk_table_set_col_spacings (GTK_TABLE (table), GLUE_FORM_COLUMN_SPACING);
  return table;
#endif
}

static inline void
glue_form_attach (GtkWidget *form, GtkWidget *widget, gint column, gint columns, gint row,
                  gboolean expand)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_widget_set_hexpand (widget, expand);
  gtk_grid_attach (GTK_GRID (form), widget, column, row, columns, 1);
#else
  gtk_table_attach (GTK_TABLE (form), widget, column, column + columns, row, row + 1,
                    expand ? GTK_EXPAND | GTK_FILL : GTK_FILL, GTK_FILL, 0, 0);
#endif
}

#if ! GTK_CHECK_VERSION (3, 0, 0)
/* GTK 2's stock item for the icon names used here. */
static inline const gchar *
glue_stock_id (const gchar *icon)
{
  if (strcmp (icon, "view-refresh") == 0)
    return GTK_STOCK_REFRESH;
  return strcmp (icon, "dialog-error") == 0 ? GTK_STOCK_DIALOG_ERROR
                                            : GTK_STOCK_DIALOG_WARNING;
}
#endif

/* An image's icon by name ("dialog-error", "dialog-warning"). */
static inline void
glue_gtk_image_set_icon (GtkWidget *image, const gchar *icon, GtkIconSize size)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon, size);
#else
  gtk_image_set_from_stock (GTK_IMAGE (image), glue_stock_id (icon), size);
#endif
}

/* A button showing only an icon ("view-refresh"). */
static inline GtkWidget *
glue_icon_button_new (const gchar *icon)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  return gtk_button_new_from_icon_name (icon, GTK_ICON_SIZE_BUTTON);
#else
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_image (GTK_BUTTON (button),
                        gtk_image_new_from_stock (glue_stock_id (icon), GTK_ICON_SIZE_BUTTON));
  return button;
#endif
}

/* The Cancel button's text for gimp_dialog_new: GTK 2 shows its stock
 * item (GTK's icon and translation), GTK 3 the label given. */
static inline const gchar *
glue_cancel_label (const gchar *label)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  return label;
#else
  (void) label;
  return GTK_STOCK_CANCEL;
#endif
}

/* At least height high. */
static inline void
glue_scrolled_set_min_height (GtkWidget *scrolled, gint height)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), height);
#else
  gtk_widget_set_size_request (scrolled, -1, height);
#endif
}

/* A child that cannot scroll itself (a box), in a viewport where needed. */
static inline void
glue_scrolled_add (GtkWidget *scrolled, GtkWidget *child)
{
#if GTK_CHECK_VERSION (3, 8, 0)
  gtk_container_add (GTK_CONTAINER (scrolled), child);
#else
  gtk_scrolled_window_add_with_viewport (GTK_SCROLLED_WINDOW (scrolled), child);
#endif
}

/* At least width wide on GTK 3.  GTK 2 takes a size request as exact,
 * which would cut off longer translations: there the caller's wrapped
 * labels set the minimum. */
static inline void
glue_widget_set_min_width (GtkWidget *widget, gint width)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_widget_set_size_request (widget, width, -1);
#else
  (void) widget;
  (void) width;
#endif
}

/* A progress bar that shows its text inside (GTK 2's always does). */
static inline GtkWidget *
glue_progress_bar_new (void)
{
  GtkWidget *bar = gtk_progress_bar_new ();

#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
#endif
  return bar;
}

#endif
