/**
 * Answering prompts with a checkpoint, shared by the playground and the side-by-side view: the engine
 * ({@link dev.chameleon.workbench.web.generation.PlaygroundEngine}, run by a service that keeps a few models
 * loaded), the workspace's checkpoints ({@link dev.chameleon.workbench.web.generation.CheckpointService},
 * {@link dev.chameleon.workbench.web.generation.CheckpointChoice}), and the widgets both views use
 * ({@link dev.chameleon.workbench.web.generation.CheckpointPicker},
 * {@link dev.chameleon.workbench.web.generation.SettingsForm},
 * {@link dev.chameleon.workbench.web.generation.PromptImage},
 * {@link dev.chameleon.workbench.web.generation.AnswerModes},
 * {@link dev.chameleon.workbench.web.generation.AnswerPanel},
 * {@link dev.chameleon.workbench.web.generation.Pictures}).
 */
package dev.chameleon.workbench.web.generation;
