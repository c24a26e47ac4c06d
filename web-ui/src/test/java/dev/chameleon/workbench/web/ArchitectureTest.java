package dev.chameleon.workbench.web;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.page.AppShellConfigurator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.are;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the module dependencies pointing one way, web-ui -> (sft-trainer, safety) -> dataset-curation, keeps
 * Vaadin out of the services (UI code calls services, services never import UI), keeps the web module's feature
 * packages apart (the command line may call the run service), and keeps packages free of cycles.
 */
@Tag("unit")
class ArchitectureTest {

    private static final String CURATION = "dev.chameleon.workbench.curation..";
    private static final String SAFETY = "dev.chameleon.workbench.safety..";
    private static final String TRAINER = "dev.chameleon.workbench.trainer..";
    private static final String WEB = "dev.chameleon.workbench.web..";
    private static final String WEB_PACKAGE = "dev.chameleon.workbench.web";
    /** The web module's feature packages; the command line counts as one. */
    private static final List<String> FEATURES = List.of("runs", "imports", "datasets", "playground", "compare", "cli");

    /** Vaadin components and views, classes that build components (a method returns one), and their nested classes. */
    private static final DescribedPredicate<JavaClass> COMPONENTS = new DescribedPredicate<>("components") {
        @Override
        public boolean test(JavaClass c) {
            if (c.isAssignableTo(Component.class)
                    || c.getMethods().stream().anyMatch(m -> m.getRawReturnType().isAssignableTo(Component.class))) {
                return true;
            }
            return c.getEnclosingClass().map(this::test).orElse(false);
        }
    };
    /** UI code: components, and the app shell that serves them. */
    private static final DescribedPredicate<JavaClass> UI = COMPONENTS
            .or(JavaClass.Predicates.assignableTo(AppShellConfigurator.class)).as("UI code");

    private static JavaClasses classes;

    @BeforeAll
    static void importProjectClasses() {
        // Main classes of every module on the test classpath (the other modules arrive as jars or folders).
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // sft-trainer's test support
                .importPackages("dev.chameleon.workbench");
    }

    @Test
    void theImportSeesEveryModuleThatExists() {
        for (String module : List.of("curation", "trainer", "web")) {
            assertThat(classes.containPackage("dev.chameleon.workbench." + module)).as(module).isTrue();
        }
        for (String feature : FEATURES) {
            assertThat(classes.containPackage(WEB_PACKAGE + "." + feature)).as(feature).isTrue();
        }
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
    void safetyDoesNotDependOnTheTrainerOrTheWeb() {
        if (!classes.containPackage("dev.chameleon.workbench.safety")) {
            // The module has no main classes yet: then it must have no sources either, or the import missed them.
            assertThat(Path.of("..", "safety", "src", "main", "java"))
                    .as("safety has main sources, but the class import saw none of them").doesNotExist();
            return;
        }
        check(noClasses().that().resideInAPackage(SAFETY)
                .should().dependOnClassesThat().resideInAnyPackage(TRAINER, WEB)
                .because("safety sits beside the trainer, below the web UI"));
    }

    @Test
    void trainerDoesNotDependOnSafetyOrTheWeb() {
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
    void theWebModulesNonUiClassesNeverImportVaadin() {
        check(noClasses().that().resideInAPackage(WEB).and(are(not(UI)))
                .should().dependOnClassesThat().resideInAnyPackage("com.vaadin..")
                .because("services, planners and supervisors are plain Java the views call; only classes that are "
                        + "or build Vaadin components (and the app shell) touch Vaadin"));
        check(noClasses().that().resideInAPackage(WEB).and(are(not(UI)))
                .should().dependOnClassesThat().haveSimpleNameEndingWith("View")
                .because("services never call back into views; views subscribe to them"));
    }

    @Test
    void featurePackagesNeverImportEachOther() {
        for (String feature : FEATURES) {
            String[] others = FEATURES.stream().filter(f -> !f.equals(feature))
                    .filter(f -> !(feature.equals("cli") && f.equals("runs")))
                    .map(f -> WEB_PACKAGE + "." + f + "..").toArray(String[]::new);
            check(noClasses().that().resideInAPackage(WEB_PACKAGE + "." + feature + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("a feature package holds one feature; what two features share lives in web.generation "
                            + "or web.common"));
        }
    }

    @Test
    void theCliCallsTheRunServiceButNoView() {
        check(noClasses().that().resideInAPackage(WEB_PACKAGE + ".cli..")
                .should().dependOnClassesThat(are(COMPONENTS).and(resideInAPackage(WEB)))
                .because("the workbench command runs what the views run, through the same services, without UI"));
    }

    @Test
    void packagesHaveNoCycles() {
        check(slices().matching("dev.chameleon.workbench.(**)").should().beFreeOfCycles()
                .because("a package that needs another never is needed by it: shared parts go one level down"));
    }

    @Test
    void viewsReachTheWorkspaceOnlyThroughItsPublicEntryTypes() {
        check(noClasses().that().resideInAPackage(WEB)
                .should().dependOnClassesThat().resideInAnyPackage("org.h2..", "org.apache.lucene..",
                        "org.flywaydb..")
                .because("the web UI goes through the Curation facade, not the database or the index"));
    }

    /** Every rule must see classes: a rule over a package that was not imported fails instead of passing. */
    private static void check(ArchRule rule) {
        rule.allowEmptyShould(false).check(classes);
    }
}
