/**
 * Image references as the engine accepts them, from the grammar of distribution's
 * reference package: [domain[:port]/]path[:tag][@digest]. Checked when the definition is
 * loaded, so that a bad name is refused with its position instead of by the engine later.
 */

/** Why `ref` is not an image reference, with a hint; undefined when it is one. */
export function imageProblem(ref: string): { problem: string; hint: string } | undefined {
  const shown = JSON.stringify(ref.length > 100 ? `${ref.slice(0, 100)}…` : ref);
  if (ref === "") return { problem: "image is empty", hint: "name an image, e.g. `image: redis:7`, or check the variable it comes from" };
  if (/\s/.test(ref)) return { problem: `image ${shown} contains white space`, hint: "an image reference has no spaces: check for a stray word or a variable that expanded to several" };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return { problem: `image ${shown} starts with a URL scheme`, hint: `write the registry without the scheme: ${JSON.stringify(ref.replace(/^[^:]+:\/\//, ""))}` };

  // The digest and tag come off the end; what is left is the name.
  let rest = ref;
  const at = rest.indexOf("@");
  if (at !== -1) {
    const digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { problem: `image ${shown} has an invalid digest "${digest}"`, hint: "a digest is ALGORITHM:HEX, e.g. @sha256: followed by 64 hexadecimal digits" };
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon !== -1) {
    const tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { problem: `image ${shown} has an invalid tag "${tag}"`, hint: "a tag is up to 128 letters, digits, '_', '.' and '-', and does not start with '.' or '-'" };
  }
  if (rest.length > 255) return { problem: `image ${shown} has a name longer than 255 characters`, hint: "shorten the repository name" };

  const parts = rest.split("/");
  // As the engine decides: the first part names a registry when it has a '.' or ':', is
  // localhost, or has upper case (which a repository may not).
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN.test(first)) return { problem: `image ${shown} has an invalid registry "${first}"`, hint: "a registry is a host name or address with an optional port, e.g. ghcr.io or localhost:5000" };
  const path = hasDomain ? parts.slice(1) : parts;
  if (hasDomain && !/[.:]/.test(first) && first !== "localhost") {
    return { problem: `image ${shown} has upper case in its repository name`, hint: `repository names must be lower case: write '${rest.toLowerCase()}${ref.slice(rest.length)}'` };
  }
  for (const component of path) {
    if (COMPONENT.test(component)) continue;
    if (component !== component.toLowerCase() && COMPONENT.test(component.toLowerCase())) {
      const fixed = [...(hasDomain ? [first] : []), ...path.map((c) => c.toLowerCase())].join("/") + ref.slice(rest.length);
      return { problem: `image ${shown} has upper case in its repository name`, hint: `repository names must be lower case: write '${fixed}'` };
    }
    if (component === "") return { problem: `image ${shown} has an empty path component`, hint: "remove the doubled, leading or trailing '/'" };
    return {
      problem: `image ${shown} has an invalid repository name component "${component}"`,
      hint: "a repository name component is lower-case letters and digits, separated by '.', '_', '__' or dashes, and starts and ends with a letter or digit",
    };
  }
  return undefined;
}

/** alpha-numeric [separator alpha-numeric]*, separator := [_.] | __ | [-]+ */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** tag := [\w][\w.-]{0,127} */
const TAG = /^\w[\w.-]{0,127}$/;
/** algorithm := component ([+.-_] component)*, component := [A-Za-z][A-Za-z0-9]*; hex: at least 128 bits */
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** host[:port]; host := domain-name | IPv4 | [IPv6]; domain-component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
const DOMAIN = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

const ARCH_ALIASES: Record<string, string> = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64", armhf: "arm", armel: "arm", i386: "386" };

/** "linux/x86_64" as the engine compares platforms: lower case, its names for architectures. */
export function platformOf(text: string): { os: string; arch?: string; variant?: string; text: string } {
  const [os = "", arch, variant] = text.toLowerCase().split("/");
  const normal = arch === undefined ? undefined : (ARCH_ALIASES[arch] ?? arch);
  return { os, ...(normal ? { arch: normal } : {}), ...(variant ? { variant } : {}), text: [os, normal, variant].filter(Boolean).join("/") };
}
