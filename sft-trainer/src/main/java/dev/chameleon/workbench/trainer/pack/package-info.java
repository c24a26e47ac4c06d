/**
 * Packing rendered examples into fixed-length training windows: best-fit decreasing (first-fit in input order as
 * the baseline); an example longer than a window is left out, split at turn boundaries (never inside an image
 * block) or refused with the fix, as {@link dev.chameleon.workbench.trainer.pack.OversizePolicy} says.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.trainer.pack.Packer}, {@link dev.chameleon.workbench.trainer.pack.PackItem},
 * {@link dev.chameleon.workbench.trainer.pack.PackPlan}, {@link dev.chameleon.workbench.trainer.pack.PackedWindow},
 * {@link dev.chameleon.workbench.trainer.pack.PackReport} and {@link dev.chameleon.workbench.trainer.pack.OversizePolicy}.
 * Its benchmark lives in the benchmarks module ({@code benchmarks.jar packing}).
 */
package dev.chameleon.workbench.trainer.pack;
