using System;
using Xunit;
using static ImgTrack.Core.Tests.References.ImageReferenceValidNameTests;

namespace ImgTrack.Core.Tests.References;

/// <summary>
/// Names Docker's <c>ParseNormalizedNamed</c> rejects (plus our one deliberate difference: '_' in a registry host),
/// each with the message that names the part and the rule it broke.
/// </summary>
public sealed class ImageReferenceInvalidNameTests
{
    public static TheoryData<string, string> Names => new()
    {
        // Whole name
        { "", "image name is empty" },
        { Hex64, $"image name '{Hex64}' is 64 hex characters, which Docker reads as an image ID, not a name" },
        // Registry host: the deliberate difference from Docker (which reads these as paths without a registry)
        { "my_registry.io/app", "registry host 'my_registry.io' must not contain '_'" },
        { "my_registry.io:5000/app", "registry host 'my_registry.io' must not contain '_'" },
        { "My_Registry/app", "registry host 'My_Registry' must not contain '_'" },
        { "test_com.example/foo", "registry host 'test_com.example' must not contain '_'" },
        // Registry host: DNS-style components joined by '.'
        { "-docker.io/app", "registry host '-docker.io' must not have a component that starts or ends with '-'" },
        { "docker-.io/app", "registry host 'docker-.io' must not have a component that starts or ends with '-'" },
        { "a..b.com/app", "registry host 'a..b.com' must not have an empty component (leading, trailing or doubled '.')" },
        { ".example.com/app", "registry host '.example.com' must not have an empty component (leading, trailing or doubled '.')" },
        { "example.com./app", "registry host 'example.com.' must not have an empty component (leading, trailing or doubled '.')" },
        { "private@registry.io/test", "registry host 'private@registry.io' must contain only letters, digits, '-' and '.' (found '@')" },
        { "Ärger.example/app", "registry host 'Ärger.example' must contain only letters, digits, '-' and '.' (found 'Ä')" },
        // Registry port
        { "example.com:/app", "registry port must not be empty in 'example.com:'" },
        { "https://github.com/docker/docker", "registry port must not be empty in 'https:'" },
        { "example.com:abc/app", "registry port 'abc' must be digits" },
        { "fc00::1:5000/debian", "registry port ':1:5000' must be digits" },
        { "foo:a/b", "registry port 'a' must be digits" },
        // IPv6 literals
        { "[fe80::1%eth0]:5000/debian", "registry host '[fe80::1%eth0]' must contain only hex digits and ':' inside the brackets (found '%')" },
        { "[2001:db8:3:4::192.0.2.33]:5000/debian", "registry host '[2001:db8:3:4::192.0.2.33]' must contain only hex digits and ':' inside the brackets (found '.')" },
        { "[::1:5000/app", "registry host '[::1:5000' must close its IPv6 address with ']'" },
        { "[]:5000/app", "registry host '[]' must not be an empty IPv6 address" },
        { "[::1]x:5000/app", "registry '[::1]x:5000' must end after the host or its port (found 'x')" },
        // Without a '/', a bracketed or host-like name is a Docker Hub path and fails as one (the path ends at ':').
        { "[fc00::1]", "repository path '[fc00' must contain only lowercase letters, digits, separators and '/' (found '[')" },
        { "[fc00::1]:5000", "repository path '[fc00' must contain only lowercase letters, digits, separators and '/' (found '[')" },
        { "[abc]/foo", "repository path '[abc]/foo' must contain only lowercase letters, digits, separators and '/' (found '[')" },
        // Repository path: lowercase
        { "Nginx", "repository path 'Nginx' must be lowercase" },
        { "docker/Docker", "repository path 'docker/Docker' must be lowercase" },
        { "docker.io/docker/Docker:Tag", "repository path 'docker/Docker' must be lowercase" },
        { "localhost:5000/Team/app", "repository path 'Team/app' must be lowercase" },
        // Repository path: separators
        { "a___b", "repository path component 'a___b' has separator '___'; a separator is one '.', one or two '_', or one or more '-'" },
        { "a.-b", "repository path component 'a.-b' has separator '.-'; a separator is one '.', one or two '_', or one or more '-'" },
        { "team/dock..er", "repository path component 'dock..er' has separator '..'; a separator is one '.', one or two '_', or one or more '-'" },
        { "team/dock_.er", "repository path component 'dock_.er' has separator '_.'; a separator is one '.', one or two '_', or one or more '-'" },
        { "team/dock-.er", "repository path component 'dock-.er' has separator '-.'; a separator is one '.', one or two '_', or one or more '-'" },
        // ...but a first component with '.' is read as a registry host, and fails as one.
        { "dock..er/docker", "registry host 'dock..er' must not have an empty component (leading, trailing or doubled '.')" },
        { "dock-.er/docker", "registry host 'dock-.er' must not have a component that starts or ends with '-'" },
        { "dock_.er/docker", "registry host 'dock_.er' must not contain '_'" },
        { "-docker", "repository path component '-docker' must start with a lowercase letter or digit" },
        { "_docker/_docker", "repository path component '_docker' must start with a lowercase letter or digit" },
        { ".a", "repository path component '.a' must start with a lowercase letter or digit" },
        { "team/-app", "repository path component '-app' must start with a lowercase letter or digit" },
        { "docker-/docker", "repository path component 'docker-' must end with a lowercase letter or digit" },
        { "a_", "repository path component 'a_' must end with a lowercase letter or digit" },
        { "a.:tag", "repository path component 'a.' must end with a lowercase letter or digit" },
        { "____/____", "repository path component '____' must start with a lowercase letter or digit" },
        // Repository path: components and characters
        { "docker///docker", "repository path 'docker///docker' must not have an empty component (leading, trailing or doubled '/')" },
        { "docker/", "repository path 'docker/' must not have an empty component (leading, trailing or doubled '/')" },
        { "/docker", "repository path '/docker' must not have an empty component (leading, trailing or doubled '/')" },
        { "docker.io/", "repository path must not be empty" },
        { "localhost/", "repository path must not be empty" },
        { ":tag", "repository path must not be empty" },
        { "@" + Sha256, "repository path must not be empty" },
        { "ngi nx", "repository path 'ngi nx' must contain only lowercase letters, digits, separators and '/' (found ' ')" },
        { " nginx", "repository path ' nginx' must contain only lowercase letters, digits, separators and '/' (found ' ')" },
        { "nginx ", "repository path 'nginx ' must contain only lowercase letters, digits, separators and '/' (found ' ')" },
        // Control characters in a name are written as \uXXXX in the message, so they cannot act on a console or a log.
        { "nginx\n", "repository path 'nginx\\u000A' must contain only lowercase letters, digits, separators and '/' (found U+000A)" },
        { "\tnginx", "repository path '\\u0009nginx' must contain only lowercase letters, digits, separators and '/' (found U+0009)" },
        { "ngïnx", "repository path 'ngïnx' must contain only lowercase letters, digits, separators and '/' (found 'ï')" },
        { "a+b/c", "repository path 'a+b/c' must contain only lowercase letters, digits, separators and '/' (found '+')" },
        // Tag
        { "nginx:", "tag must not be empty after ':'" },
        { "nginx:@" + Sha256, "tag must not be empty after ':'" },
        { "nginx:.x", "tag '.x' must start with a letter, digit or '_'" },
        { "nginx:-x", "tag '-x' must start with a letter, digit or '_'" },
        { "nginx:a+b", "tag 'a+b' must contain only letters, digits, '_', '.' and '-' (found '+')" },
        { "a:b:c", "tag 'b:c' must contain only letters, digits, '_', '.' and '-' (found ':')" },
        { "a/b:c/d", "tag 'c/d' must contain only letters, digits, '_', '.' and '-' (found '/')" },
        { "nginx:1.0 ", "tag '1.0 ' must contain only letters, digits, '_', '.' and '-' (found ' ')" },
        // Digest: grammar, then go-digest validation
        { "nginx@", "digest must not be empty after '@'" },
        { "nginx:1.0@", "digest must not be empty after '@'" },
        { "nginx@sha256", "digest 'sha256' must be algorithm:hex, e.g. sha256:<64 hex characters>" },
        { "nginx@sha256:abc", "digest 'sha256:abc' must have 64 hex characters" },
        { "nginx@sha256:" + Hex64 + "0", $"digest 'sha256:{Hex64}0' must have 64 hex characters" },
        { "nginx@sha512:" + Hex64, $"digest 'sha512:{Hex64}' must have 128 hex characters" },
        { "nginx@sha384:" + Hex64, $"digest 'sha384:{Hex64}' must have 96 hex characters" },
        { "nginx@sha256:" + Hex64.ToUpperInvariant(), $"digest 'sha256:{Hex64.ToUpperInvariant()}' must use lowercase hex" },
        { "nginx@md5:0123456789abcdef0123456789abcdef", "digest algorithm 'md5' is not supported (sha256, sha384 or sha512)" },
        { "nginx@SHA256:" + Hex64, "digest algorithm 'SHA256' is not supported (sha256, sha384 or sha512)" },
        { "nginx@sha256+b64:" + Hex64, "digest algorithm 'sha256+b64' is not supported (sha256, sha384 or sha512)" },
        { "nginx@md5:abc", "digest 'md5:abc' must have at least 32 hex characters" },
        { "nginx@1sha:" + Hex64, "digest algorithm '1sha' must be letters and digits, each part starting with a letter, parts joined by '+', '.', '_' or '-'" },
        { "nginx@sha-:" + Hex64, "digest algorithm 'sha-' must be letters and digits, each part starting with a letter, parts joined by '+', '.', '_' or '-'" },
        { "nginx@sha256:" + Hex64 + "@x", $"digest 'sha256:{Hex64}@x' must contain only hex digits after ':' (found '@')" },
        { "nginx@sha256:" + Hex64 + ":tag", $"digest 'sha256:{Hex64}:tag' must contain only hex digits after ':' (found ':')" },
        { "nginx@sha256:" + Hex64.Substring(0, 63) + "g", $"digest 'sha256:{Hex64.Substring(0, 63)}g' must contain only hex digits after ':' (found 'g')" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Parse_rejects_the_name_with_a_message_naming_the_rule(string name, string message)
    {
        var ex = Assert.Throws<ImageReferenceFormatException>(() => ImageReference.Parse(name));
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_returns_false_with_the_same_message(string name, string message)
    {
        Assert.False(ImageReference.TryParse(name, out var reference));
        Assert.Null(reference);
        Assert.False(ImageReference.TryParse(name, out reference, out var error));
        Assert.Null(reference);
        Assert.Equal(message, error);
    }

    [Fact]
    public void Parse_is_a_FormatException_so_callers_can_catch_the_framework_type()
    {
        Assert.IsAssignableFrom<FormatException>(Assert.ThrowsAny<Exception>(() => ImageReference.Parse("Nginx")));
    }

    [Fact]
    public void Parse_of_null_throws_ArgumentNullException_and_TryParse_of_null_is_false()
    {
        Assert.Throws<ArgumentNullException>(() => ImageReference.Parse(null!));
        Assert.False(ImageReference.TryParse(null, out _));
        Assert.False(ImageReference.TryParse(null, out _, out var error));
        Assert.Equal("image name is empty", error);
    }
}
