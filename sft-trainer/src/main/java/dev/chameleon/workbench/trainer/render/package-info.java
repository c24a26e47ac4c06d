/**
 * Examples rendered as training sequences with the chat template: tokens, loss mask, spans and modalities. Entry
 * types: {@link dev.chameleon.workbench.trainer.render.ChatRenderer} ({@link
 * dev.chameleon.workbench.trainer.render.RenderOptions}, {@link
 * dev.chameleon.workbench.trainer.render.ImageSource}) producing {@link
 * dev.chameleon.workbench.trainer.render.RenderedExample}s; {@link
 * dev.chameleon.workbench.trainer.render.GuidanceRows} (the unconditioned rows guidance trains on); {@link
 * dev.chameleon.workbench.trainer.render.SnapshotExamples} (reading a snapshot); token counts ({@link
 * dev.chameleon.workbench.trainer.render.TokenCount}, {@link
 * dev.chameleon.workbench.trainer.render.CategoryTokens}, {@link
 * dev.chameleon.workbench.trainer.render.TokenTally}); {@link dev.chameleon.workbench.trainer.render.Modality}.
 */
package dev.chameleon.workbench.trainer.render;
