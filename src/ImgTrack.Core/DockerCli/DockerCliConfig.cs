using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ImgTrack.DockerCli;

/// <summary>
/// The docker CLI's config folder and its <c>config.json</c>, read as the CLI reads them, for the engine (the current
/// context) and for registries (credentials) alike. The folder is <c>DOCKER_CONFIG</c>, else the user's home (<c>$HOME</c>
/// on Unix, <c>%USERPROFILE%</c> on Windows, as the CLI's <c>homedir.Get</c>) plus <c>.docker</c>.
/// </summary>
internal sealed class DockerCliConfig
{
    private DockerCliConfig(string path)
    {
        Path = path;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>True when the file exists (a folder of that name is not a file).</summary>
    public bool Exists { get; private set; }

    /// <summary>True when a folder stands where the file should be: no config, though one was meant.</summary>
    public bool IsFolder { get; private set; }

    /// <summary>Why an existing file could not be read (the system's words); null when it was read or is absent.</summary>
    public string? Problem { get; private set; }

    /// <summary><c>currentContext</c>, or null.</summary>
    public string? CurrentContext { get; private set; }

    /// <summary><c>credsStore</c>, or null.</summary>
    public string? CredsStore { get; private set; }

    /// <summary><c>credHelpers</c>: registry as written → helper suffix.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CredHelpers { get; private set; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary><c>auths</c>: registry as written → its entry.</summary>
    public IReadOnlyList<KeyValuePair<string, AuthEntry>> Auths { get; private set; } = Array.Empty<KeyValuePair<string, AuthEntry>>();

    /// <summary>The user's home folder as the docker CLI finds it.</summary>
    public static string HomeDirectory(Func<string, string?> getVariable, bool isWindows)
    {
        var home = getVariable(isWindows ? "USERPROFILE" : "HOME");
        return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home!;
    }

    /// <summary>The config folder: <c>DOCKER_CONFIG</c>, else <paramref name="homeDirectory"/>/.docker.</summary>
    public static string Folder(Func<string, string?> getVariable, string homeDirectory)
    {
        var folder = getVariable("DOCKER_CONFIG");
        return string.IsNullOrEmpty(folder) ? System.IO.Path.Combine(homeDirectory, ".docker") : folder!;
    }

    /// <summary>The config file of the current process's user: <see cref="Folder"/>/config.json.</summary>
    public static string DefaultFile(Func<string, string?> getVariable, bool isWindows) =>
        System.IO.Path.Combine(Folder(getVariable, HomeDirectory(getVariable, isWindows)), "config.json");

    /// <summary>Reads <paramref name="path"/>: absent means empty; a folder, an unreadable file or one that is not JSON
    /// is empty too, with <see cref="IsFolder"/> or <see cref="Problem"/> saying why (the CLI goes on without it; callers decide whether to warn).</summary>
    public static DockerCliConfig Read(string path)
    {
        var config = new DockerCliConfig(path);
        if (Directory.Exists(path))
        {
            config.IsFolder = true;
            return config;
        }

        if (!File.Exists(path))
        {
            return config;
        }

        config.Exists = true;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            config.ReadRoot(document.RootElement);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            config.Problem = e.Message;
        }

        return config;
    }

    private static string? String(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private void ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // An empty currentContext names none, as an absent one.
        var context = String(root, "currentContext");
        CurrentContext = string.IsNullOrEmpty(context) ? null : context;
        CredsStore = String(root, "credsStore");
        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
        {
            var list = new List<KeyValuePair<string, string>>();
            foreach (var entry in helpers.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    list.Add(new(entry.Name, entry.Value.GetString()!));
                }
            }

            CredHelpers = list;
        }

        if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
        {
            var list = new List<KeyValuePair<string, AuthEntry>>();
            foreach (var entry in auths.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object)
                {
                    list.Add(new(entry.Name, new AuthEntry(String(entry.Value, "auth"), String(entry.Value, "username"), String(entry.Value, "password"), String(entry.Value, "identitytoken"))));
                }
            }

            Auths = list;
        }
    }

    /// <summary>One <c>auths</c> entry as written.</summary>
    internal sealed class AuthEntry
    {
        public AuthEntry(string? auth, string? userName, string? password, string? identityToken)
        {
            Auth = auth;
            UserName = userName;
            Password = password;
            IdentityToken = identityToken;
        }

        /// <summary>base64 of <c>user:password</c>.</summary>
        public string? Auth { get; }

        public string? UserName { get; }

        public string? Password { get; }

        public string? IdentityToken { get; }
    }
}
