package dev.roundabout.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * lb-bom, as published (the pom flatten-maven-plugin writes, which is installed and deployed),
 * manages every deployed module of the reactor at the project's version, and nothing else.
 */
class BomTest {
  private static final String GROUP_ID = "dev.roundabout";
  private static final Path PUBLISHED_BOM = Path.of("../lb-bom/target/.flattened-pom.xml");

  @Test
  void bom_managesEveryDeployedModule_andNothingElse() throws Exception {
    List<String> managed = new ArrayList<>();
    for (Element dependency : children(child(child(publishedBom(), "dependencyManagement"), "dependencies"), "dependency")) {
      String id = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
      assertThat(text(dependency, "groupId")).as("groupId of %s in lb-bom", id).isEqualTo(GROUP_ID);
      assertThat(text(dependency, "version")).as("version of %s in lb-bom", id).isEqualTo("${project.version}");
      assertThat(children(dependency, "*").stream().map(Element::getTagName))
          .as("elements of %s in lb-bom (expected: no type, scope, classifier or exclusions)", id)
          .containsExactly("groupId", "artifactId", "version");
      managed.add(text(dependency, "artifactId"));
    }
    assertThat(managed).as("the modules lb-bom manages (expected: every deployed module of the reactor)")
        .containsExactlyInAnyOrderElementsOf(deployedModules());
  }

  @Test
  void bom_hasTheProjectsVersion_andNoParent() throws Exception {
    Element bom = publishedBom();
    assertThat(text(bom, "groupId")).isEqualTo(GROUP_ID);
    assertThat(text(bom, "artifactId")).isEqualTo("lb-bom");
    assertThat(text(bom, "version")).as("lb-bom's version (expected: the project's)").isEqualTo(text(pom("."), "version"));
    assertThat(text(bom, "packaging")).isEqualTo("pom");
    // A parent, properties, dependencies, profiles or a build would reach every project that imports the BOM.
    assertThat(children(bom, "*").stream().map(Element::getTagName))
        .as("elements of the published lb-bom")
        .doesNotContain("parent", "properties", "dependencies", "profiles", "build", "repositories", "pluginRepositories");
  }

  @Test
  void bom_carriesTheMetadataMavenCentralRequires() throws Exception {
    Element bom = publishedBom();
    for (String element : List.of("name", "description", "url")) {
      assertThat(text(bom, element)).as("%s of the published lb-bom", element).isNotBlank();
    }
    assertThat(text(child(child(bom, "licenses"), "license"), "name")).isEqualTo("Apache-2.0");
    assertThat(text(child(child(bom, "developers"), "developer"), "name")).isNotBlank();
    assertThat(text(child(bom, "scm"), "connection")).startsWith("scm:git:");
    assertThat(text(child(bom, "scm"), "url")).isEqualTo(text(bom, "url"));
  }

  /** The reactor's modules that are deployed as jars: not skipped (maven.deploy.skip), packaging jar. */
  private static List<String> deployedModules() throws Exception {
    List<String> deployed = new ArrayList<>();
    for (Element module : children(child(pom("."), "modules"), "module")) {
      String name = module.getTextContent().strip();
      Element pom = pom(name);
      boolean skipped = children(pom, "properties").stream()
          .flatMap(properties -> children(properties, "maven.deploy.skip").stream())
          .anyMatch(skip -> skip.getTextContent().strip().equals("true"));
      boolean jar = children(pom, "packaging").isEmpty() || text(pom, "packaging").equals("jar");
      if (!skipped && jar) {
        deployed.add(text(pom, "artifactId"));
      }
    }
    assertThat(deployed).as("deployed modules of the reactor").contains("lb-core");
    return deployed;
  }

  private static Element publishedBom() throws Exception {
    assertThat(PUBLISHED_BOM)
        .as("lb-bom's flattened pom (expected: lb-bom built before examples, which depends on it for this)")
        .isRegularFile();
    return parse(PUBLISHED_BOM);
  }

  private static Element pom(String module) throws Exception {
    return parse(Path.of("..", module, "pom.xml"));
  }

  private static Element parse(Path file) throws IOException, ParserConfigurationException, SAXException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (var in = Files.newInputStream(file)) {
      return factory.newDocumentBuilder().parse(in).getDocumentElement();
    }
  }

  /** The child elements of {@code parent} named {@code name} ({@code *}: all of them), in order. */
  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && (name.equals("*") || e.getTagName().equals(name))) {
        found.add(e);
      }
    }
    return found;
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
    return found.get(0);
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().strip();
  }
}
