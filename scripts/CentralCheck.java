import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staging repository (a directory in Maven's repository layout) the way Maven Central
 * validates an upload, before anything is uploaded:
 *
 * <ul>
 *   <li>every POM's coordinates match its path, and no version is a snapshot;
 *   <li>every POM has a name, and, itself or through its parents (which must be in the same
 *       repository), a description, a project URL, a license with name and URL, a developer with a
 *       name, and the source repository (scm url and connection);
 *   <li>every component of packaging jar has its jar, sources jar and javadoc jar, each a readable
 *       archive (the sources jar holds .java files, the javadoc jar an index.html);
 *   <li>every file has .md5 and .sha1 checksums that match it, and with {@code --signed} an .asc
 *       signature (scripts/release.sh verifies the signatures themselves with gpg);
 *   <li>every component has the same version, and a BOM (an artifact named *-bom) manages every
 *       jar of the repository at that version.
 * </ul>
 *
 * <p>Usage: {@code java scripts/CentralCheck.java [--signed] STAGING_DIR}. Prints one line per
 * problem, naming the file and what Maven Central requires, and exits 1 when there is any; prints a
 * summary and exits 0 otherwise; exits 2 on bad usage.
 */
public final class CentralCheck {
  private static final Set<String> SIDE_FILES = Set.of("md5", "sha1", "sha256", "sha512", "asc");

  private final Path root;
  private final boolean signed;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, Pom> poms = new LinkedHashMap<>();

  private CentralCheck(Path root, boolean signed) {
    this.root = root;
    this.signed = signed;
  }

  public static void main(String[] args) throws Exception {
    boolean signed = false;
    Path dir = null;
    for (String a : args) {
      if (a.equals("--signed")) {
        signed = true;
      } else if (a.startsWith("-") || dir != null) {
        usage("unexpected argument: " + a);
      } else {
        dir = Path.of(a);
      }
    }
    if (dir == null) {
      usage("no staging directory given");
    }
    if (!Files.isDirectory(dir)) {
      usage(dir + " is not a directory");
    }
    CentralCheck check = new CentralCheck(dir, signed);
    check.run();
    if (!check.problems.isEmpty()) {
      for (String p : check.problems) {
        System.err.println("central-check: " + p);
      }
      System.err.println(
          "central-check: FAILED: "
              + check.problems.size()
              + " problem(s) in "
              + dir
              + "; Maven Central would refuse this upload");
      System.exit(1);
    }
    System.out.println(
        "central-check: OK: "
            + check.poms.size()
            + " components in "
            + dir
            + (signed ? ", signed" : "")
            + ": "
            + check.poms.values().stream()
                .map(p -> p.artifactId + " (" + p.packaging + ")")
                .collect(Collectors.joining(", ")));
  }

  private static void usage(String why) {
    System.err.println("central-check: " + why);
    System.err.println("usage: java scripts/CentralCheck.java [--signed] STAGING_DIR");
    System.exit(2);
  }

  private void run() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    for (Path f : files) {
      if (f.getFileName().toString().endsWith(".pom")) {
        Pom pom = Pom.read(f);
        poms.put(pom.key(), pom);
      }
    }
    if (poms.isEmpty()) {
      problems.add(root + ": no POM at all; is this a staging repository?");
      return;
    }
    for (Pom pom : poms.values()) {
      checkCoordinates(pom);
      checkMetadata(pom);
      checkJars(pom);
    }
    checkVersionsAndBoms();
    for (Path f : files) {
      checkSideFiles(f);
    }
  }

  private void checkCoordinates(Pom pom) {
    Path expected =
        root.resolve(pom.groupId.replace('.', '/'))
            .resolve(pom.artifactId)
            .resolve(pom.version)
            .resolve(pom.artifactId + "-" + pom.version + ".pom");
    if (!expected.normalize().equals(pom.file.normalize())) {
      problems.add(
          rel(pom.file)
              + ": its coordinates "
              + pom.key()
              + " do not match its path (expected "
              + rel(expected)
              + ")");
    }
    if (pom.version.endsWith("-SNAPSHOT")) {
      problems.add(rel(pom.file) + ": version " + pom.version + " is a snapshot; Maven Central takes releases only");
    }
  }

  private void checkMetadata(Pom pom) {
    if (pom.text("name") == null) {
      problems.add(rel(pom.file) + ": no <name>; Maven Central requires a project name");
    }
    require(pom, "description", "a project description (<description>)");
    require(pom, "url", "a project URL (<url>)");
    require(pom, "licenses/license/name", "a license (<licenses><license><name>)");
    require(pom, "licenses/license/url", "the license's URL (<licenses><license><url>)");
    require(pom, "developers/developer/name", "a developer (<developers><developer><name>)");
    require(pom, "scm/url", "the source repository (<scm><url>)");
    require(pom, "scm/connection", "the source repository (<scm><connection>)");
  }

  /** Looks the path up in the POM, then in its parents, as Maven's inheritance does. */
  private void require(Pom pom, String path, String what) {
    Pom p = pom;
    List<String> seen = new ArrayList<>();
    while (p != null) {
      if (p.text(path) != null) {
        return;
      }
      seen.add(p.key());
      if (p.parentKey == null) {
        break;
      }
      Pom parent = poms.get(p.parentKey);
      if (parent == null) {
        problems.add(
            rel(pom.file)
                + ": its parent "
                + p.parentKey
                + " is not in the staging repository; it must be uploaded with it");
        return;
      }
      p = parent;
    }
    problems.add(
        rel(pom.file)
            + ": Maven Central requires "
            + what
            + "; neither "
            + String.join(" nor ", seen)
            + " has one");
  }

  private void checkJars(Pom pom) {
    if (!pom.packaging.equals("jar")) {
      return;
    }
    Path dir = pom.file.getParent();
    String base = pom.artifactId + "-" + pom.version;
    checkArchive(dir.resolve(base + ".jar"), "the jar", null);
    checkArchive(dir.resolve(base + "-sources.jar"), "a sources jar", ".java");
    checkArchive(dir.resolve(base + "-javadoc.jar"), "a javadoc jar", "index.html");
  }

  private void checkArchive(Path jar, String what, String mustContain) {
    if (!Files.isRegularFile(jar)) {
      problems.add(rel(jar) + ": missing; Maven Central requires " + what + " of every jar component");
      return;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (mustContain != null
          && zip.stream().map(ZipEntry::getName).noneMatch(n -> n.endsWith(mustContain))) {
        problems.add(rel(jar) + ": holds no " + mustContain + "; it is not " + what);
      }
    } catch (IOException e) {
      problems.add(rel(jar) + ": not a readable jar (" + e.getMessage() + ")");
    }
  }

  private void checkVersionsAndBoms() {
    Set<String> versions = new TreeSet<>();
    poms.values().forEach(p -> versions.add(p.version));
    if (versions.size() > 1) {
      problems.add("the components have different versions " + versions + "; a release has one");
    }
    Set<String> jars = new TreeSet<>();
    poms.values().stream()
        .filter(p -> p.packaging.equals("jar"))
        .forEach(p -> jars.add(p.groupId + ":" + p.artifactId));
    boolean anyBom = false;
    for (Pom pom : poms.values()) {
      if (!pom.artifactId.endsWith("-bom")) {
        continue;
      }
      anyBom = true;
      Map<String, String> managed = pom.managedDependencies();
      for (String jar : jars) {
        String v = managed.get(jar);
        if (v == null) {
          problems.add(rel(pom.file) + ": the BOM does not list " + jar);
        } else if (!v.equals(pom.version) && !v.equals("${project.version}")) {
          problems.add(
              rel(pom.file) + ": the BOM lists " + jar + " at " + v + ", not at " + pom.version);
        }
      }
    }
    if (!anyBom) {
      problems.add("no BOM (*-bom) in the staging repository");
    }
  }

  private void checkSideFiles(Path f) throws IOException, NoSuchAlgorithmException {
    String name = f.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1);
    if (SIDE_FILES.contains(ext)) {
      String main = name.substring(0, name.length() - ext.length() - 1);
      String mainExt = main.substring(main.lastIndexOf('.') + 1);
      if (!Files.exists(f.resolveSibling(main)) && !SIDE_FILES.contains(mainExt)) {
        problems.add(rel(f) + ": belongs to " + main + ", which is missing");
      }
      return;
    }
    if (name.startsWith("maven-metadata")) {
      return;
    }
    byte[] content = Files.readAllBytes(f);
    for (String[] sum : new String[][] {{"md5", "MD5"}, {"sha1", "SHA-1"}}) {
      Path side = f.resolveSibling(name + "." + sum[0]);
      if (!Files.isRegularFile(side)) {
        problems.add(rel(f) + ": no ." + sum[0] + " checksum; Maven Central requires one");
        continue;
      }
      String expected = Files.readString(side).trim().split("\\s+")[0].toLowerCase();
      String actual = HexFormat.of().formatHex(MessageDigest.getInstance(sum[1]).digest(content));
      if (!expected.equals(actual)) {
        problems.add(rel(side) + ": does not match " + name + " (" + expected + " != " + actual + ")");
      }
    }
    if (signed && !Files.isRegularFile(f.resolveSibling(name + ".asc"))) {
      problems.add(rel(f) + ": no .asc signature; Maven Central requires every file signed");
    }
  }

  private String rel(Path p) {
    return root.relativize(p).toString();
  }

  /** The parts of a POM the check reads. */
  private static final class Pom {
    final Path file;
    final Element project;
    final String groupId;
    final String artifactId;
    final String version;
    final String packaging;
    final String parentKey;

    private Pom(Path file, Element project) {
      this.file = file;
      this.project = project;
      Element parent = child(project, "parent");
      String g = text(project, "groupId");
      String v = text(project, "version");
      if (parent != null) {
        parentKey =
            text(parent, "groupId") + ":" + text(parent, "artifactId") + ":" + text(parent, "version");
        g = g != null ? g : text(parent, "groupId");
        v = v != null ? v : text(parent, "version");
      } else {
        parentKey = null;
      }
      groupId = g == null ? "?" : g;
      artifactId = String.valueOf(text(project, "artifactId"));
      version = v == null ? "?" : v;
      String p = text(project, "packaging");
      packaging = p == null ? "jar" : p;
    }

    static Pom read(Path file) throws Exception {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      try (InputStream in = Files.newInputStream(file)) {
        return new Pom(file, f.newDocumentBuilder().parse(in).getDocumentElement());
      }
    }

    String key() {
      return groupId + ":" + artifactId + ":" + version;
    }

    /** The trimmed text at a slash-separated path of child elements, or null when empty. */
    String text(String path) {
      return text(project, path);
    }

    Map<String, String> managedDependencies() {
      Map<String, String> m = new LinkedHashMap<>();
      Element deps = child(child(project, "dependencyManagement"), "dependencies");
      if (deps != null) {
        for (Node n = deps.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (n instanceof Element && ((Element) n).getTagName().equals("dependency")) {
            Element d = (Element) n;
            m.put(text(d, "groupId") + ":" + text(d, "artifactId"), text(d, "version"));
          }
        }
      }
      return m;
    }

    private static String text(Element e, String path) {
      for (String part : path.split("/")) {
        e = child(e, part);
      }
      if (e == null) {
        return null;
      }
      String t = e.getTextContent().trim();
      return t.isEmpty() ? null : t;
    }

    private static Element child(Element e, String name) {
      if (e == null) {
        return null;
      }
      for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
          return (Element) n;
        }
      }
      return null;
    }
  }
}
