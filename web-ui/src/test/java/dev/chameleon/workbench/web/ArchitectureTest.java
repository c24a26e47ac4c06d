package dev.chameleon.workbench.web;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the module dependencies pointing one way, web-ui -> (sft-trainer, safety) -> dataset-curation,
 * and keeps Vaadin out of the services: UI code calls services, services never import UI.
 */
@Tag("unit")
class ArchitectureTest {

    private static final String CURATION = "dev.chameleon.workbench.curation..";
    private static final String SAFETY = "dev.chameleon.workbench.safety..";
    private static final String TRAINER = "dev.chameleon.workbench.trainer..";
    private static final String WEB = "dev.chameleon.workbench.web..";

    private static JavaClasses classes;

    @BeforeAll
    static void importProjectClasses() {
        // Main classes of every module on the test classpath (the other modules arrive as jars or folders).
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.chameleon.workbench");
    }

    @Test
    void theImportSeesEveryModuleThatExists() {
        assertThat(classes.containPackage("dev.chameleon.workbench.curation")).isTrue();
        assertThat(classes.containPackage("dev.chameleon.workbench.web")).isTrue();
    }

    @Test
    void everyClassLivesInItsModulesPackage() {
        check(classes().should().resideInAnyPackage(CURATION, SAFETY, TRAINER, WEB)
                .because("the rules below name modules by package: curation, safety, trainer, web"));
    }

    @Test
    void curationDependsOnNoOtherModule() {
        check(noClasses().that().resideInAPackage(CURATION)
                .should().dependOnClassesThat().resideInAnyPackage(SAFETY, TRAINER, WEB)
                .because("dataset-curation is the bottom layer: safety, trainer and web build on it"));
    }

    @Test
    void safetyAndTrainerDoNotDependOnEachOtherOrOnTheWeb() {
        check(noClasses().that().resideInAPackage(SAFETY)
                .should().dependOnClassesThat().resideInAnyPackage(TRAINER, WEB)
                .because("safety sits beside the trainer, below the web UI"));
        check(noClasses().that().resideInAPackage(TRAINER)
                .should().dependOnClassesThat().resideInAnyPackage(SAFETY, WEB)
                .because("the trainer sits beside safety, below the web UI"));
    }

    @Test
    void servicesNeverImportUi() {
        check(noClasses().that().resideInAnyPackage(CURATION, SAFETY, TRAINER)
                .should().dependOnClassesThat().resideInAnyPackage("com.vaadin..")
                .because("UI code calls services; services never import UI"));
    }

    @Test
    void theWebModulesServicesNeverImportUi() {
        check(noClasses().that().resideInAPackage(WEB).and().haveSimpleNameEndingWith("Service")
                .should().dependOnClassesThat().resideInAnyPackage("com.vaadin..")
                .because("a feature package's service (runs, playground) is plain Java the views call"));
        check(noClasses().that().resideInAPackage(WEB).and().haveSimpleNameEndingWith("Service")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("View")
                .because("services never call back into views; views subscribe to them"));
    }

    @Test
    void viewsReachTheWorkspaceOnlyThroughItsPublicEntryTypes() {
        check(noClasses().that().resideInAPackage(WEB)
                .should().dependOnClassesThat().resideInAnyPackage("org.h2..", "org.apache.lucene..",
                        "org.flywaydb..")
                .because("the web UI goes through the Curation facade, not the database or the index"));
    }

    /** Rules over packages a module has not created yet pass instead of failing as empty. */
    private static void check(ArchRule rule) {
        rule.allowEmptyShould(true).check(classes);
    }
}
