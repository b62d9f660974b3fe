package dev.microstore.spring;

import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;

/**
 * Explains a startup that failed on an unknown {@code microstore.*} property (a typo such as {@code
 * microstore.url}): names each unknown property, where it was set, and the closest valid property.
 * Values are not shown: the property may hold a secret.
 */
final class UnknownMicrostorePropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> implements Ordered {

  UnknownMicrostorePropertyFailureAnalyzer() {}

  @Override
  protected @Nullable FailureAnalysis analyze(
      Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
    List<ConfigurationProperty> unknown =
        cause.getUnboundProperties().stream()
            .filter(p -> p.getName().toString().startsWith("microstore."))
            .sorted(Comparator.comparing(p -> p.getName().toString()))
            .toList();
    if (unknown.isEmpty()) {
      return null;
    }
    List<String> valid = validProperties();
    StringBuilder description = new StringBuilder();
    StringBuilder action = new StringBuilder();
    for (ConfigurationProperty p : unknown) {
      String name = p.getName().toString();
      String closest = closest(name, valid);
      Origin origin = p.getOrigin();
      description
          .append(description.length() == 0 ? "" : "\n")
          .append("Unknown property ")
          .append(name)
          .append(origin == null ? "" : " (from " + origin + ")")
          .append(": microstore.* has no such property; the closest one is ")
          .append(closest)
          .append('.');
      action
          .append(action.length() == 0 ? "" : "\n")
          .append("Rename ")
          .append(name)
          .append(" to ")
          .append(closest)
          .append(", or remove it.");
    }
    action.append("\nThe microstore properties are: ").append(String.join(", ", valid)).append('.');
    return new FailureAnalysis(description.toString(), action.toString(), cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** Every valid property name, from {@link MicrostoreProperties}; maps end in {@code .*}. */
  static List<String> validProperties() {
    TreeSet<String> out = new TreeSet<>();
    collect("microstore", MicrostoreProperties.class, out);
    return new ArrayList<>(out);
  }

  private static void collect(String prefix, Class<?> type, TreeSet<String> out) {
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(type)) {
      if (d.getName().equals("class") || d.getReadMethod() == null) {
        continue;
      }
      String name = prefix + "." + kebab(d.getName());
      Class<?> t = d.getPropertyType();
      if (t.getName().startsWith(MicrostoreProperties.class.getName() + "$")) {
        collect(name, t, out);
      } else if (Map.class.isAssignableFrom(t)) {
        out.add(name + ".*");
      } else if (d.getWriteMethod() != null
          || List.class.isAssignableFrom(t)
          || t == Duration.class) {
        out.add(name);
      }
    }
  }

  private static String kebab(String camel) {
    return camel
        .chars()
        .mapToObj(
            c ->
                Character.isUpperCase(c)
                    ? "-" + Character.toLowerCase((char) c)
                    : String.valueOf((char) c))
        .collect(Collectors.joining());
  }

  /** The valid property nearest to {@code name}: same last segment first, else edit distance. */
  static String closest(String name, List<String> valid) {
    String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String best = valid.get(0);
    int bestScore = Integer.MAX_VALUE;
    for (String v : valid) {
      String base = v.endsWith(".*") ? v.substring(0, v.length() - 2) : v;
      String vLast = base.substring(base.lastIndexOf('.') + 1);
      int score = vLast.equals(last) ? 0 : 1 + distance(name, base);
      if (score < bestScore) {
        bestScore = score;
        best = v;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
