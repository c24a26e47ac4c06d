/**
 * The Datasets view ({@link dev.chameleon.workbench.web.datasets.DatasetsView}): a workspace's datasets, search
 * over their examples, an example's detail, and review one by one or in bulk with undo.
 */
package dev.chameleon.workbench.web.datasets;
