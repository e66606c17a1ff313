/* GIMP glue: the model table and the server's models, for both GIMPs.
 * Loads the table (next to the plug-in, merged with the person's file in
 * the GIMP profile), asks the server which models it offers while GIMP's
 * progress says so, and replaces a remembered model that has died. */
#ifndef AI_IMAGE_EDIT_EDIT_MODELS_H
#define AI_IMAGE_EDIT_EDIT_MODELS_H

#include "gimp-compat.h"

#include "api-config.h"
#include "edit-job.h"
#include "edit-settings.h"
#include "model-list.h"

/* Installs the model table for this process; what was wrong with its
 * files goes to GIMP's messages.  Once, at start. */
void       edit_models_init          (void);

/* The server's list for config (cached for a day), asked on a thread
 * while the main loop runs; NULL when it cannot be had (the reason goes
 * to the debug log). */
ModelList *edit_models_discover      (const ApiConfig *config,
                                      gboolean         refresh);

/* The model a script's or Repeat's job goes with (see
 * edit_job_choose_model): the server is asked only when the job says "".
 * Takes job; NULL with the reason. */
EditJob   *edit_models_choose        (EditJob         *job,
                                      const ApiConfig *config,
                                      GError         **error);

/* Repeat's job: when the remembered settings name a model that died,
 * they take the default instead (GIMP's messages say so, and options the
 * new model does not take are dropped) and the job is made anew.  Takes
 * job; NULL with the reason. */
EditJob   *edit_models_repeat        (EditJob         *job,
                                      EditSettings    *settings,
                                      const ApiConfig *config,
                                      GError         **error);

/* A remembered model that is shut down or no longer offered (list may be
 * NULL) is replaced in settings by the default; returns the line saying
 * which replaced which (g_free), or NULL when it stays. */
gchar     *edit_models_replace_remembered (EditSettings    *settings,
                                           const ModelList *list,
                                           const gchar     *base_url);

#endif
