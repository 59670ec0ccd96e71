using System;
using System.Collections.Concurrent;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.DockerCli;
using ImgTrack.Text;

namespace ImgTrack.Registry;

/// <summary>
/// Credentials as the docker CLI keeps them: <c>config.json</c> in <c>DOCKER_CONFIG</c> or <c>~/.docker</c>, with
/// <c>auths</c> (Docker Hub's key is <c>https://index.docker.io/v1/</c>), <c>credHelpers</c> per registry and a
/// <c>credsStore</c> for the rest, both through the <c>docker-credential-*</c> helper protocol
/// (<see cref="CredentialHelper"/>). Each registry is looked up once per instance. A config that cannot be used, an
/// entry that cannot be read, or a configured helper that is missing or fails is a warning, and the registry is asked
/// anonymously; a helper that does not answer before the caller's token ends is stopped, and the lookup is cancelled.
/// </summary>
public sealed class DockerConfigCredentialProvider : IRegistryCredentialProvider, IDescribedCredentialProvider
{
    private readonly Lazy<DockerCliConfig> _config;
    private readonly ConcurrentDictionary<string, Lazy<Task<RegistryCredential?>>> _answers = new(StringComparer.OrdinalIgnoreCase);
    private int _configWarned;

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
        _config = new Lazy<DockerCliConfig>(() => DockerCliConfig.Read(ConfigFilePath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The config file read.</summary>
    public string ConfigFilePath { get; }

    /// <summary>Where credentials come from, for a verbose line: the config file, or why there is none.</summary>
    public string Description =>
        Directory.Exists(ConfigFilePath) ? MessageText.Format(RegistryMessages.CredentialSourceFolder, ConfigFilePath)
        : File.Exists(ConfigFilePath) ? ConfigFilePath
        : MessageText.Format(RegistryMessages.CredentialSourceMissing, ConfigFilePath);

    /// <summary><c>$DOCKER_CONFIG/config.json</c>, else the user's home (<c>$HOME</c> on Unix, <c>%USERPROFILE%</c> on
    /// Windows) <c>/.docker/config.json</c>, as the docker CLI finds it.</summary>
    public static string DefaultConfigFile =>
        DockerCliConfig.DefaultFile(Environment.GetEnvironmentVariable, RuntimeInformation.IsOSPlatform(OSPlatform.Windows));

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

    /// <summary>What is asked for <paramref name="registry"/>: its credential helper by program name, else the file.</summary>
    string IDescribedCredentialProvider.Describe(string registry)
    {
        var helper = HelperFor(_config.Value, RegistryEndpoint.CredentialKey(registry));
        return helper is null
            ? MessageText.Format(RegistryMessages.DockerConfigDescribed, ConfigFilePath)
            : MessageText.Format(RegistryMessages.CredentialHelperDescribed, CredentialHelper.ProgramFor(helper));
    }

    // As the docker CLI: a per-registry helper, else the default store; null when neither is set.
    private static string? HelperFor(DockerCliConfig config, string key)
    {
        string? helper = null;
        foreach (var entry in config.CredHelpers)
        {
            if (string.Equals(RegistryEndpoint.CredentialKey(entry.Key), key, StringComparison.OrdinalIgnoreCase))
            {
                helper = entry.Value;
            }
        }

        return string.IsNullOrEmpty(helper) ? string.IsNullOrEmpty(config.CredsStore) ? null : config.CredsStore : helper;
    }

    private async Task<RegistryCredential?> LookUpAsync(string key, Action<string> warn, CancellationToken cancellationToken)
    {
        var config = _config.Value;
        if ((config.IsFolder || config.Problem is not null) && Interlocked.Exchange(ref _configWarned, 1) == 0)
        {
            // Silently anonymous would leave the administrator guessing why a registry refuses access.
            warn(config.IsFolder
                ? MessageText.Format(RegistryMessages.DockerConfigIsFolder, ConfigFilePath)
                : MessageText.Format(RegistryMessages.DockerConfigUnreadable, ConfigFilePath, config.Problem!));
        }

        var helper = HelperFor(config, key);
        if (helper is not null)
        {
            return await CredentialHelper.GetAsync(helper, RegistryEndpoint.CredentialServerFor(key), key, warn, cancellationToken).ConfigureAwait(false);
        }

        DockerCliConfig.AuthEntry? found = null;
        string? written = null;
        foreach (var entry in config.Auths)
        {
            if (string.Equals(RegistryEndpoint.CredentialKey(entry.Key), key, StringComparison.OrdinalIgnoreCase))
            {
                (written, found) = (entry.Key, entry.Value);
            }
        }

        return found is null ? null : FromEntry(found, written!, warn);
    }

    private RegistryCredential? FromEntry(DockerCliConfig.AuthEntry entry, string written, Action<string> warn)
    {
        var user = entry.UserName;
        var password = entry.Password;
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth!));
            }
            catch (FormatException)
            {
                warn(MessageText.Format(RegistryMessages.AuthEntryUnreadable, written, ConfigFilePath, RegistryMessages.AuthNotBase64));
                return null;
            }

            var colon = decoded.IndexOf(':');
            if (colon < 0)
            {
                warn(MessageText.Format(RegistryMessages.AuthEntryUnreadable, written, ConfigFilePath, RegistryMessages.AuthNoColon));
            }
            else if (colon > 0)
            {
                user = decoded.Substring(0, colon);
                password = decoded.Substring(colon + 1);
            }
        }

        if (!string.IsNullOrEmpty(entry.IdentityToken))
        {
            return RegistryCredential.FromIdentityToken(entry.IdentityToken!, user);
        }

        return !string.IsNullOrEmpty(user) && password is not null ? RegistryCredential.FromPassword(user!, password) : null;
    }
}
