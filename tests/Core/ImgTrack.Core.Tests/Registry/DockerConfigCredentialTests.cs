using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class DockerConfigCredentialTests : IDisposable
{
    // A credential helper of the test's own, speaking the docker-credential-* protocol; its folder goes onto PATH once.
    private const string HelperName = "imgtracktest";
    private static readonly Lazy<string> s_helperFolder = new(InstallHelper);

    private readonly string _folder = Directory.CreateTempSubdirectory("imgtrack-dcfg-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reads_auths_with_docker_hubs_key_and_base64_user_password()
    {
        var config = Write("""
            { "auths": {
                "https://index.docker.io/v1/": { "auth": "aHViLXVzZXI6aHViLXBhc3M=" },
                "registry.example.com:5000": { "username": "u", "password": "p" },
                "tokens.example.com": { "auth": "dTpJR05PUkVE", "identitytoken": "refresh-me" } } }
            """);
        var provider = new DockerConfigCredentialProvider(config);
        var warnings = new List<string>();

        var hub = await provider.GetCredentialAsync("docker.io", warnings.Add, CancellationToken.None);
        var other = await provider.GetCredentialAsync("registry.example.com:5000", warnings.Add, CancellationToken.None);
        var token = await provider.GetCredentialAsync("tokens.example.com", warnings.Add, CancellationToken.None);
        var none = await provider.GetCredentialAsync("elsewhere.example.com", warnings.Add, CancellationToken.None);

        Assert.Equal(("hub-user", "hub-pass"), (hub!.UserName, hub.Password));
        Assert.Equal(("u", "p"), (other!.UserName, other.Password));
        Assert.Equal("refresh-me", token!.IdentityToken);
        Assert.Null(none);
        Assert.Empty(warnings);
        Assert.DoesNotContain("hub-pass", hub.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_means_anonymous()
    {
        var provider = new DockerConfigCredentialProvider(Path.Combine(_folder, "none.json"));

        Assert.Null(await provider.GetCredentialAsync("docker.io", _ => throw new InvalidOperationException(), CancellationToken.None));
    }

    [Fact]
    public async Task Asks_a_cred_helper_with_the_server_url_on_standard_input()
    {
        _ = s_helperFolder.Value;
        var config = Write($$"""{ "credHelpers": { "helped.example.com": "{{HelperName}}" }, "credsStore": "{{HelperName}}" }""");
        var provider = new DockerConfigCredentialProvider(config);
        var warnings = new List<string>();

        var helped = await provider.GetCredentialAsync("helped.example.com", warnings.Add, CancellationToken.None);
        var hub = await provider.GetCredentialAsync("docker.io", warnings.Add, CancellationToken.None);
        var unknown = await provider.GetCredentialAsync("unknown.example.com", warnings.Add, CancellationToken.None);

        Assert.Equal(("helper-user", "helper-secret:helped.example.com"), (helped!.UserName, helped.Password));

        // Docker Hub is asked for by its server URL, as the docker CLI asks; an identity token comes back as "<token>".
        Assert.Equal("helper-token:https://index.docker.io/v1/", hub!.IdentityToken);

        // "credentials not found" is an ordinary anonymous answer: no warning.
        Assert.Null(unknown);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task A_missing_helper_is_a_warning_then_anonymous()
    {
        var config = Write("""{ "credsStore": "imgtrack-no-such-helper", "auths": { "docker.io": {} } }""");
        var provider = new DockerConfigCredentialProvider(config);
        var warnings = new List<string>();

        var credential = await provider.GetCredentialAsync("docker.io", warnings.Add, CancellationToken.None);

        Assert.Null(credential);
        var warning = Assert.Single(warnings);
        Assert.Contains("docker-credential-imgtrack-no-such-helper", warning, StringComparison.Ordinal);
        Assert.Contains("docker.io", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_registry_is_looked_up_once()
    {
        _ = s_helperFolder.Value;
        var log = Path.Combine(s_helperFolder.Value, "calls-" + Guid.NewGuid().ToString("N"));
        var config = Write($$"""{ "credsStore": "{{HelperName}}" }""");
        var provider = new DockerConfigCredentialProvider(config);
        Environment.SetEnvironmentVariable("IMGTRACK_HELPER_LOG", log);
        try
        {
            await provider.GetCredentialAsync("once.example.com", _ => { }, CancellationToken.None);
            await provider.GetCredentialAsync("once.example.com", _ => { }, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IMGTRACK_HELPER_LOG", null);
        }

        Assert.Single(File.ReadAllLines(log));
    }

    [Fact]
    public async Task Single_registry_credentials_go_to_that_registry_only()
    {
        var provider = new SingleRegistryCredentialProvider("index.docker.io", RegistryCredential.FromPassword("u", "p"));

        Assert.NotNull(await provider.GetCredentialAsync("docker.io", _ => { }, CancellationToken.None));
        Assert.Null(await provider.GetCredentialAsync("ghcr.io", _ => { }, CancellationToken.None));
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string InstallHelper()
    {
        var folder = Directory.CreateTempSubdirectory("imgtrack-helper-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var script = Path.Combine(folder, "docker-credential-" + HelperName);
        File.WriteAllText(script, """
            #!/bin/sh
            [ "$1" = get ] || exit 2
            read -r server
            [ -n "$IMGTRACK_HELPER_LOG" ] && echo "$server" >> "$IMGTRACK_HELPER_LOG"
            case "$server" in
              helped.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret:%s"}' "$server" "$server" ;;
              https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"helper-token:%s"}' "$server" "$server" ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """.Replace("\r", string.Empty, StringComparison.Ordinal), new UTF8Encoding(false));
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The test helper is a shell script.");
        }

        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
        return folder;
    }
}
