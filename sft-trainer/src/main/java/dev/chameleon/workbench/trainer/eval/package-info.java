/**
 * Scoring what a model learned from the demo dataset on its held-out prompts, judging each answer from its words
 * or pixels. Entry types: {@link dev.chameleon.workbench.trainer.eval.DemoCheck} and {@link
 * dev.chameleon.workbench.trainer.eval.GeneratorAnswerer}.
 */
package dev.chameleon.workbench.trainer.eval;
