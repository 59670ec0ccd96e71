using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.DockerCli;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>
/// Fake credential helpers that misbehave (fail after printing a secret, hang, leave a child holding their output open)
/// and docker configs that cannot be used: no secret in a warning, every wait bounded by the caller, nothing silent.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class CredentialHelperTests : IDisposable
{
    private static readonly Lazy<string> s_helpers = new(InstallHelpers);

    private readonly string _folder = Directory.CreateTempSubdirectory("imgtrack-helpers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_helper_that_fails_after_printing_its_secret_is_not_quoted()
    {
        var warnings = new List<string>();
        var provider = Provider("imgtrackleak");

        Assert.Null(await provider.GetCredentialAsync("leak.example.com", warnings.Add, CancellationToken.None));

        var warning = Assert.Single(warnings);
        Assert.DoesNotContain("leaked-secret-123", warning, StringComparison.Ordinal);
        Assert.Contains("docker-credential-imgtrackleak", warning, StringComparison.Ordinal);
        Assert.Contains("1", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_helper_ends_with_the_callers_token_and_is_stopped()
    {
        var pidFile = Path.Combine(_folder, "pid");
        Environment.SetEnvironmentVariable("IMGTRACK_HELPER_PID", pidFile);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Provider("imgtrackhang").GetCredentialAsync("hang.example.com", _ => { }, limit.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
            var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(SpinWait.SpinUntil(() => !IsRunning(pid), TimeSpan.FromSeconds(5)), "the helper " + pid + " still runs");
        }
        finally
        {
            Environment.SetEnvironmentVariable("IMGTRACK_HELPER_PID", null);
        }
    }

    [Fact]
    public async Task A_helper_whose_child_holds_its_output_open_answers_when_it_exits()
    {
        var clock = Stopwatch.StartNew();

        var credential = await Provider("imgtrackorphan").GetCredentialAsync("orphan.example.com", _ => { }, CancellationToken.None);

        Assert.Equal(("orphan-user", "orphan-secret"), (credential!.UserName, credential.Password));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task A_helper_slower_than_the_timeout_fails_the_name_naming_the_helper_not_the_registry()
    {
        using var registry = new MiniHttpServer(_ => Task.FromResult<MiniResponse?>(
            MiniResponse.Json(401, "{}", ("WWW-Authenticate", "Basic realm=\"fake\""))));
        using var resolver = new RemoteImageResolver(new RegistryOptions { RequestTimeout = TimeSpan.FromSeconds(2), Credentials = Provider("imgtrackhang") });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(() => resolver.ResolveAsync(ImageReference.Parse(registry.Address + "/team/app:1"), Platform.Parse("linux/amd64"), CancellationToken.None));

        Assert.Contains("docker-credential-imgtrackhang", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did not answer", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task A_config_json_that_is_a_folder_is_a_warning()
    {
        var config = Path.Combine(_folder, "config.json");
        Directory.CreateDirectory(config);
        var warnings = new List<string>();
        var provider = new DockerConfigCredentialProvider(config);

        Assert.Null(await provider.GetCredentialAsync("docker.io", warnings.Add, CancellationToken.None));

        Assert.Contains("folder", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Contains("folder", provider.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auth_entry_without_a_colon_is_a_warning()
    {
        var config = Path.Combine(_folder, "config.json");
        File.WriteAllText(config, "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("justauser")) + "\"}}}");
        var warnings = new List<string>();

        Assert.Null(await new DockerConfigCredentialProvider(config).GetCredentialAsync("registry.example.com", warnings.Add, CancellationToken.None));

        var warning = Assert.Single(warnings);
        Assert.Contains("registry.example.com", warning, StringComparison.Ordinal);
        Assert.Contains("':'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_is_described_as_no_credentials_not_as_their_source()
    {
        var missing = Path.Combine(_folder, "config.json");

        var description = new DockerConfigCredentialProvider(missing).Description;

        Assert.Contains("no docker config", description, StringComparison.Ordinal);
        Assert.StartsWith("nowhere", description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, @"C:\Users\u\.docker/config.json")]
    [InlineData(false, null, "/home/u/.docker/config.json")]
    [InlineData(true, "/etc/dockercfg", "/etc/dockercfg/config.json")]
    public void The_config_folder_is_the_docker_clis(bool windows, string? dockerConfig, string expected)
    {
        var variables = new Dictionary<string, string?> { ["HOME"] = "/home/u", ["USERPROFILE"] = @"C:\Users\u", ["DOCKER_CONFIG"] = dockerConfig };

        var file = DockerCliConfig.DefaultFile(name => variables.TryGetValue(name, out var value) ? value : null, windows);

        Assert.Equal(expected.Replace('\\', '/'), file.Replace('\\', '/'));
    }

    private DockerConfigCredentialProvider Provider(string helper)
    {
        _ = s_helpers.Value;
        var config = Path.Combine(_folder, "config-" + helper + ".json");
        File.WriteAllText(config, "{\"credsStore\":\"" + helper + "\"}");
        return new DockerConfigCredentialProvider(config);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string InstallHelpers()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The test helpers are shell scripts.");
        }

        var folder = Directory.CreateTempSubdirectory("imgtrack-badhelpers-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var scripts = new Dictionary<string, string>
        {
            ["imgtrackleak"] = "read -r server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"u\",\"Secret\":\"leaked-secret-123\"}' \"$server\"\nexit 1\n",
            ["imgtrackhang"] = "[ -n \"$IMGTRACK_HELPER_PID\" ] && echo $$ > \"$IMGTRACK_HELPER_PID\"\nsleep 60\n",
            ["imgtrackorphan"] = "read -r server\n(sleep 30) &\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"orphan-user\",\"Secret\":\"orphan-secret\"}' \"$server\"\n",
        };
        foreach (var (name, body) in scripts)
        {
            var script = Path.Combine(folder, "docker-credential-" + name);
            File.WriteAllText(script, "#!/bin/sh\n" + body, new UTF8Encoding(false));
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
        return folder;
    }
}
