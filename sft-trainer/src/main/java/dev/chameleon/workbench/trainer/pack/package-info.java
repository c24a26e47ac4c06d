/**
 * Packing rendered examples into fixed-length training windows with document ids, position ids, loss mask and
 * block-diagonal attention. Entry types: {@link dev.chameleon.workbench.trainer.pack.Packer}, {@link
 * dev.chameleon.workbench.trainer.pack.PackedWindow}, {@link dev.chameleon.workbench.trainer.pack.PackItem},
 * {@link dev.chameleon.workbench.trainer.pack.PackPlan}, {@link dev.chameleon.workbench.trainer.pack.PackReport}
 * and {@link dev.chameleon.workbench.trainer.pack.OversizePolicy}; {@link
 * dev.chameleon.workbench.trainer.pack.PackingBenchmark} is a hand-run benchmark.
 */
package dev.chameleon.workbench.trainer.pack;
