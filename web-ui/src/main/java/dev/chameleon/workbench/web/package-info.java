/**
 * The web application of the workbench: the Spring Boot application and app shell
 * ({@link dev.chameleon.workbench.web.WorkbenchApplication}) and the frame every view opens in
 * ({@link dev.chameleon.workbench.web.MainLayout}, whose side navigation is built from the views' menu annotations).
 * One sub-package per feature holds its view and the services only it uses; what features share lives in
 * {@code web.generation} and {@code web.common}.
 */
package dev.chameleon.workbench.web;
