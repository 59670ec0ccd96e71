using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Registry;

/// <summary>
/// Credentials as the docker CLI keeps them: <c>config.json</c> in <c>DOCKER_CONFIG</c> or <c>~/.docker</c>, with
/// <c>auths</c> (Docker Hub's key is <c>https://index.docker.io/v1/</c>), <c>credHelpers</c> per registry and a
/// <c>credsStore</c> for the rest, both through the <c>docker-credential-*</c> helper protocol (<c>get</c>, the server
/// URL on standard input, JSON on standard output). Each registry is looked up once per instance. A configured helper
/// that is missing or fails is a warning, and the registry is asked anonymously.
/// </summary>
public sealed class DockerConfigCredentialProvider : IRegistryCredentialProvider
{
    private static readonly TimeSpan s_helperTimeout = TimeSpan.FromSeconds(30);

    private readonly Lazy<ConfigFile> _config;
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _answers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the docker CLI's own config file (<see cref="DefaultConfigFile"/>).</summary>
    public DockerConfigCredentialProvider()
        : this(DefaultConfigFile)
    {
    }

    /// <summary>Reads the given config file.</summary>
    /// <param name="configFile">A <c>config.json</c>; a missing file means no credentials.</param>
    public DockerConfigCredentialProvider(string configFile)
    {
        ConfigFilePath = configFile ?? throw new ArgumentNullException(nameof(configFile));
        _config = new Lazy<ConfigFile>(() => ConfigFile.Read(ConfigFilePath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The config file read.</summary>
    public string ConfigFilePath { get; }

    /// <summary><c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>.</summary>
    public static string DefaultConfigFile
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
            if (string.IsNullOrEmpty(folder))
            {
                var home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home))
                {
                    home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                }

                folder = Path.Combine(home!, ".docker");
            }

            return Path.Combine(folder!, "config.json");
        }
    }

    /// <inheritdoc/>
    public Task<RegistryCredential?> GetCredentialAsync(string registry, Action<string> warn, CancellationToken cancellationToken)
    {
        if (registry is null)
        {
            throw new ArgumentNullException(nameof(registry));
        }

        var key = RegistryEndpoint.CredentialKey(registry);
        var answer = _answers.GetOrAdd(key, k => new Lazy<Task<RegistryCredential?>>(() => LookUpAsync(k, warn, cancellationToken)));
        return answer.Value;
    }

    private async Task<RegistryCredential?> LookUpAsync(string key, Action<string> warn, CancellationToken cancellationToken)
    {
        ConfigFile config;
        try
        {
            config = _config.Value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            warn(string.Format(CultureInfo.CurrentCulture, RegistryMessages.DockerConfigUnreadable, ConfigFilePath, e.Message));
            return null;
        }

        // As the docker CLI: a per-registry helper, else the default store, else the file's own entry.
        config.Helpers.TryGetValue(key, out var helper);
        if (string.IsNullOrEmpty(helper))
        {
            helper = config.Store;
        }

        if (!string.IsNullOrEmpty(helper))
        {
            var server = key == RegistryEndpoint.DockerHub ? RegistryEndpoint.DockerHubServerUrl : key;
            return await RunHelperAsync(helper!, server, key, warn, cancellationToken).ConfigureAwait(false);
        }

        return config.Auths.TryGetValue(key, out var credential) ? credential : null;
    }

    private static async Task<RegistryCredential?> RunHelperAsync(string helper, string server, string registry, Action<string> warn, CancellationToken cancellationToken)
    {
        var program = "docker-credential-" + helper;
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            warn(string.Format(CultureInfo.CurrentCulture, RegistryMessages.CredentialHelperMissing, program, registry));
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(server).ConfigureAwait(false);
            process.StandardInput.Close();

            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(s_helperTimeout);
            using (deadline.Token.Register(() => exited.TrySetResult(false)))
            {
                _ = Task.Run(() => exited.TrySetResult(process.WaitForExit(int.MaxValue)), CancellationToken.None);
                if (!await exited.Task.ConfigureAwait(false) || !process.HasExited)
                {
                    TryKill(process);
                    cancellationToken.ThrowIfCancellationRequested();
                    warn(string.Format(CultureInfo.CurrentCulture, RegistryMessages.CredentialHelperFailed, program, registry, "no answer within 30 seconds"));
                    return null;
                }
            }

            var text = await output.ConfigureAwait(false);
            var problem = (await errors.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
            {
                // The protocol's "not found" answer is a plain anonymous lookup, not a problem worth a warning.
                if ((text + problem).IndexOf("credentials not found", StringComparison.OrdinalIgnoreCase) < 0)
                {
                    warn(string.Format(CultureInfo.CurrentCulture, RegistryMessages.CredentialHelperFailed, program, registry, FirstLine(problem.Length > 0 ? problem : text)));
                }

                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var user = root.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                var secret = root.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (string.IsNullOrEmpty(secret))
                {
                    return null;
                }

                // The helper protocol marks an identity token by the user name "<token>".
                return user == "<token>" || string.IsNullOrEmpty(user)
                    ? RegistryCredential.FromIdentityToken(secret!)
                    : RegistryCredential.FromPassword(user!, secret!);
            }
            catch (JsonException)
            {
                warn(string.Format(CultureInfo.CurrentCulture, RegistryMessages.CredentialHelperFailed, program, registry, "its answer is not JSON"));
                return null;
            }
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (Win32Exception)
        {
            // Cannot be killed; it is abandoned.
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim();
        var newline = line.IndexOf('\n');
        return newline >= 0 ? line.Substring(0, newline).Trim() : line;
    }

    private sealed class ConfigFile
    {
        public Dictionary<string, RegistryCredential> Auths { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string> Helpers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string? Store { get; private set; }

        public static ConfigFile Read(string path)
        {
            var config = new ConfigFile();
            if (!File.Exists(path))
            {
                return config;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return config;
            }

            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String)
            {
                config.Store = store.GetString();
            }

            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in helpers.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String)
                    {
                        config.Helpers[RegistryEndpoint.CredentialKey(entry.Name)] = entry.Value.GetString()!;
                    }
                }
            }

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in auths.EnumerateObject())
                {
                    var credential = ReadEntry(entry.Value);
                    if (credential is not null)
                    {
                        config.Auths[RegistryEndpoint.CredentialKey(entry.Name)] = credential;
                    }
                }
            }

            return config;
        }

        private static RegistryCredential? ReadEntry(JsonElement entry)
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? user = String(entry, "username");
            string? password = String(entry, "password");
            var auth = String(entry, "auth");
            if (!string.IsNullOrEmpty(auth))
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth!));
                }
                catch (FormatException)
                {
                    return null;
                }

                var colon = decoded.IndexOf(':');
                if (colon > 0)
                {
                    user = decoded.Substring(0, colon);
                    password = decoded.Substring(colon + 1);
                }
            }

            var identityToken = String(entry, "identitytoken");
            if (!string.IsNullOrEmpty(identityToken))
            {
                return RegistryCredential.FromIdentityToken(identityToken!, user);
            }

            return !string.IsNullOrEmpty(user) && password is not null ? RegistryCredential.FromPassword(user!, password) : null;
        }

        private static string? String(JsonElement entry, string name) =>
            entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
