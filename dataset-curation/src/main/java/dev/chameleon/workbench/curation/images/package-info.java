/**
 * The content-addressed image store of a workspace (files named by their SHA-256), the checks an image passes
 * before it is kept, and the fetching of remote images by address.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.images.ImageStore},
 * {@link dev.chameleon.workbench.curation.images.StoredImage}, {@link dev.chameleon.workbench.curation.images.ImageLimits},
 * {@link dev.chameleon.workbench.curation.images.BadImageException} and
 * {@link dev.chameleon.workbench.curation.images.RemoteImageFetcher}.
 */
package dev.chameleon.workbench.curation.images;
