package dev.chameleon.workbench.curation.demo;

/** Makes one category's conversations, for training and for held-out checking, from disjoint items. */
interface Generator {

    Draft nextTrain();

    /** A draft whose prompt never appears in training; its metadata says why ("heldout"). */
    Draft nextHeldOut();
}
