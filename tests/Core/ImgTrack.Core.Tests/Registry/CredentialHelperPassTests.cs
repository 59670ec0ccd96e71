using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>
/// The docker config's <c>credsStore</c> through a real helper: Debian's <c>docker-credential-pass</c> (with <c>pass</c> and
/// gpg), its key ring and password store private to the test (GNUPGHOME, PASSWORD_STORE_DIR), feeding Basic auth to the
/// TLS registry.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CredentialHelperPassTests
{
    private readonly RegistryFixture _registries;

    public CredentialHelperPassTests(RegistryFixture registries) => _registries = registries;

    [EngineFact]
    public async Task A_credential_stored_by_docker_credential_pass_opens_the_basic_registry()
    {
        var configs = _registries.Push(_registries.TlsAddress, "helper/app:1", "linux/amd64");
        var home = Directory.CreateTempSubdirectory("imgtrack-pass-").FullName;
        var gnupg = Path.Combine(home, "gnupg");
        Directory.CreateDirectory(gnupg);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("docker-credential-pass is a Linux helper.");
        }

        File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var saved = (Environment.GetEnvironmentVariable("GNUPGHOME"), Environment.GetEnvironmentVariable("PASSWORD_STORE_DIR"));
        Environment.SetEnvironmentVariable("GNUPGHOME", gnupg);
        Environment.SetEnvironmentVariable("PASSWORD_STORE_DIR", Path.Combine(home, "store"));
        try
        {
            Run("gpg", null, "--batch", "--pinentry-mode", "loopback", "--passphrase", string.Empty, "--quick-gen-key", "ImgTrack test <imgtrack@example.invalid>", "default", "default", "never");
            var fingerprint = Run("gpg", null, "--batch", "--with-colons", "--list-keys").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            Run("pass", null, "init", fingerprint);
            Run("docker-credential-pass", $"{{\"ServerURL\":\"{_registries.TlsAddress}\",\"Username\":\"{RegistryFixture.User}\",\"Secret\":\"{RegistryFixture.Password}\"}}", "store");
            var config = Path.Combine(home, "config.json");
            File.WriteAllText(config, "{\"credsStore\":\"pass\"}");

            using var resolver = new RemoteImageResolver(new RegistryOptions
            {
                CertificatesDirectory = _registries.CertificatesDirectory,
                Credentials = new DockerConfigCredentialProvider(config),
            });
            var image = await resolver.ResolveAsync(ImageReference.Parse(_registries.TlsAddress + "/helper/app:1"), Platform.Parse("linux/amd64"), CancellationToken.None);

            Assert.Equal(configs["linux/amd64"], image.ImageId);
            Assert.Empty(resolver.TakeWarnings());
        }
        finally
        {
            try
            {
                Run("gpgconf", null, "--kill", "gpg-agent");
            }
            finally
            {
                Environment.SetEnvironmentVariable("GNUPGHOME", saved.Item1);
                Environment.SetEnvironmentVariable("PASSWORD_STORE_DIR", saved.Item2);
                Directory.Delete(home, recursive: true);
            }
        }
    }

    private static string Run(string program, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + program);
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout;
    }
}
