using System;
using System.Diagnostics;
using System.IO;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>Endpoint resolution in the docker CLI's order, every branch, against a scratch home folder.</summary>
public sealed class EndpointResolverTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "itr-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    public EndpointResolverTests() => Directory.CreateDirectory(_home);

    private string ConfigDirectory => Path.Combine(_home, ".docker");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Theory]
    [InlineData(false, "unix:///var/run/docker.sock")]
    [InlineData(true, "npipe://./pipe/docker_engine")]
    public void Nothing_configured_gives_the_platform_default(bool isWindows, string expected)
    {
        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, isWindows));

        Assert.Equal(expected, endpoint.ToString());
        Assert.Equal("the platform default", endpoint.Source);
        Assert.Null(endpoint.Tls);
    }

    [Fact]
    public void The_parameter_wins_over_DOCKER_HOST_and_the_context()
    {
        WriteContext("remote", "tcp://remote:2376");
        var environment = TestEnvironment.Of(_home, false, ("DOCKER_HOST", "unix:///from/env.sock"), ("DOCKER_CONTEXT", "remote"));

        var endpoint = EndpointResolver.Resolve("unix:///from/parameter.sock", environment);

        Assert.Equal("unix:///from/parameter.sock", endpoint.ToString());
        Assert.Equal("the -DockerHost parameter", endpoint.Source);
    }

    [Fact]
    public void DOCKER_HOST_wins_over_DOCKER_CONTEXT_and_currentContext()
    {
        WriteContext("remote", "tcp://remote:2376");
        WriteConfig("{\"currentContext\":\"remote\"}");
        var environment = TestEnvironment.Of(_home, false, ("DOCKER_HOST", "unix:///from/env.sock"), ("DOCKER_CONTEXT", "remote"));

        var endpoint = EndpointResolver.Resolve(null, environment);

        Assert.Equal("unix:///from/env.sock", endpoint.ToString());
        Assert.Equal("DOCKER_HOST", endpoint.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_parameter_counts_as_not_given(string blank)
    {
        var endpoint = EndpointResolver.Resolve(blank, TestEnvironment.Of(_home, false, ("DOCKER_HOST", "unix:///from/env.sock")));

        Assert.Equal("unix:///from/env.sock", endpoint.ToString());
    }

    [Fact]
    public void An_empty_DOCKER_HOST_counts_as_unset()
    {
        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_HOST", "")));

        Assert.Equal("unix:///var/run/docker.sock", endpoint.ToString());
    }

    [Fact]
    public void DOCKER_CONTEXT_wins_over_currentContext_in_config_json()
    {
        WriteContext("from-variable", "tcp://variable-host:2375");
        WriteContext("from-config", "tcp://config-host:2375");
        WriteConfig("{\"currentContext\":\"from-config\"}");

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "from-variable")));

        Assert.Equal("tcp://variable-host:2375/", endpoint.Address.ToString());
        Assert.Equal("Docker context 'from-variable'", endpoint.Source);
    }

    [Fact]
    public void CurrentContext_in_config_json_is_used_when_nothing_else_is_set()
    {
        WriteContext("desktop-linux", "unix:///home/me/.docker/run/docker.sock");
        WriteConfig("{\"auths\":{},\"currentContext\":\"desktop-linux\"}");

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home));

        Assert.Equal("unix:///home/me/.docker/run/docker.sock", endpoint.ToString());
        Assert.Equal("Docker context 'desktop-linux'", endpoint.Source);
    }

    [Fact]
    public void DOCKER_CONFIG_moves_the_config_folder()
    {
        var elsewhere = Path.Combine(_home, "elsewhere");
        WriteContext("moved", "tcp://moved:2375", elsewhere);
        File.WriteAllText(Path.Combine(elsewhere, "config.json"), "{\"currentContext\":\"moved\"}");
        WriteConfig("{\"currentContext\":\"not-this-one\"}");

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONFIG", elsewhere)));

        Assert.Equal("tcp", endpoint.Address.Scheme);
        Assert.Equal("moved", endpoint.Address.Host);
    }

    [Theory]
    [InlineData("DOCKER_CONTEXT")]
    [InlineData("config.json")]
    public void The_context_named_default_means_no_context(string where)
    {
        var environment = where == "DOCKER_CONTEXT"
            ? TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "default"))
            : TestEnvironment.Of(_home);
        if (where == "config.json")
        {
            WriteConfig("{\"currentContext\":\"default\"}");
        }

        var endpoint = EndpointResolver.Resolve(null, environment);

        Assert.Equal("unix:///var/run/docker.sock", endpoint.ToString());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"currentContext\":42}")]
    [InlineData("{\"currentContext\":\"\"}")]
    public void A_config_json_without_a_usable_currentContext_is_ignored_as_the_CLI_does(string content)
    {
        WriteConfig(content);

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home));

        Assert.Equal("unix:///var/run/docker.sock", endpoint.ToString());
    }

    [Fact]
    public void An_unknown_context_is_an_error_naming_it_and_its_metadata_path()
    {
        var error = Assert.Throws<EngineConfigurationException>(
            () => EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "nope"))));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(ConfigDirectory, "contexts", "meta", EndpointResolver.ContextId("nope"), "meta.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("docker context ls", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ broken", "cannot be read")]
    [InlineData("{\"Name\":\"x\",\"Endpoints\":{}}", "names no Docker endpoint")]
    [InlineData("{\"Name\":\"x\",\"Endpoints\":{\"docker\":{\"Host\":\"\"}}}", "names no Docker endpoint")]
    public void A_context_with_bad_metadata_is_an_error_saying_what_is_wrong(string meta, string expected)
    {
        var folder = Path.Combine(ConfigDirectory, "contexts", "meta", EndpointResolver.ContextId("bad"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "meta.json"), meta);

        var error = Assert.Throws<EngineConfigurationException>(
            () => EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "bad"))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_context_folder_is_the_sha256_of_the_name_as_the_CLI_stores_it()
    {
        // docker context create desktop-linux stores contexts/meta/<this>/meta.json.
        Assert.Equal("fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e", EndpointResolver.ContextId("desktop-linux"));
    }

    [Fact]
    public void A_context_with_TLS_material_uses_its_TLS_folder_and_verifies_unless_SkipTLSVerify()
    {
        WriteContext("secure", "tcp://secure:2376");
        var tlsFolder = Path.Combine(ConfigDirectory, "contexts", "tls", EndpointResolver.ContextId("secure"), "docker");
        Directory.CreateDirectory(tlsFolder);
        File.WriteAllText(Path.Combine(tlsFolder, "ca.pem"), "x");
        WriteContext("insecure", "tcp://insecure:2376", skipTlsVerify: true);
        var insecureFolder = Path.Combine(ConfigDirectory, "contexts", "tls", EndpointResolver.ContextId("insecure"), "docker");
        Directory.CreateDirectory(insecureFolder);
        File.WriteAllText(Path.Combine(insecureFolder, "cert.pem"), "x");

        var secure = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "secure")));
        var insecure = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "insecure")));

        Assert.Equal(tlsFolder, secure.Tls!.CertificateDirectory);
        Assert.True(secure.Tls.VerifyServer);
        Assert.Equal(insecureFolder, insecure.Tls!.CertificateDirectory);
        Assert.False(insecure.Tls.VerifyServer);
    }

    [Fact]
    public void A_context_without_TLS_material_is_plain()
    {
        WriteContext("plain", "tcp://plain:2375");

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "plain"), ("DOCKER_TLS_VERIFY", "1")));

        // The context decides TLS for its endpoint; DOCKER_TLS_VERIFY belongs to DOCKER_HOST.
        Assert.Null(endpoint.Tls);
    }

    [Fact]
    public void DOCKER_TLS_VERIFY_turns_on_verified_TLS_with_DOCKER_CERT_PATH()
    {
        var environment = TestEnvironment.Of(_home, false, ("DOCKER_HOST", "tcp://engine:2376"), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", "/certs"));

        var endpoint = EndpointResolver.Resolve(null, environment);

        Assert.True(endpoint.Tls!.VerifyServer);
        Assert.Equal("/certs", endpoint.Tls.CertificateDirectory);
        Assert.Equal(Path.Combine("/certs", "ca.pem"), endpoint.Tls.CaFile);
        Assert.Equal(Path.Combine("/certs", "cert.pem"), endpoint.Tls.CertificateFile);
        Assert.Equal(Path.Combine("/certs", "key.pem"), endpoint.Tls.KeyFile);
    }

    [Theory]
    [InlineData(null, ".docker")]
    [InlineData("/custom/config", null)]
    public void The_certificate_folder_defaults_to_the_config_folder(string? dockerConfig, string? underHome)
    {
        var environment = dockerConfig is null
            ? TestEnvironment.Of(_home, false, ("DOCKER_HOST", "tcp://engine:2376"), ("DOCKER_TLS_VERIFY", "1"))
            : TestEnvironment.Of(_home, false, ("DOCKER_HOST", "tcp://engine:2376"), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CONFIG", dockerConfig));

        var endpoint = EndpointResolver.Resolve(null, environment);

        Assert.Equal(underHome is null ? dockerConfig : Path.Combine(_home, underHome), endpoint.Tls!.CertificateDirectory);
    }

    [Fact]
    public void DOCKER_TLS_alone_encrypts_without_verifying_the_engine()
    {
        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_HOST", "tcp://engine:2376"), ("DOCKER_TLS", "1")));

        Assert.False(endpoint.Tls!.VerifyServer);
    }

    [Fact]
    public void TLS_variables_are_ignored_for_a_unix_socket()
    {
        var endpoint = EndpointResolver.Resolve("unix:///var/run/docker.sock", TestEnvironment.Of(_home, false, ("DOCKER_TLS_VERIFY", "1")));

        Assert.Null(endpoint.Tls);
    }

    [Fact]
    public void DOCKER_TLS_VERIFY_with_no_host_goes_to_the_TLS_port_on_localhost_as_the_CLI_does()
    {
        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_TLS_VERIFY", "1")));

        Assert.Equal("tcp://localhost:2376/", endpoint.Address.ToString());
        Assert.NotNull(endpoint.Tls);
    }

    [Theory]
    [InlineData("tcp://10.0.0.5:2375", false, "tcp://10.0.0.5:2375/")]
    [InlineData("tcp://engine", false, "tcp://engine:2375/")]
    [InlineData("tcp://engine", true, "tcp://engine:2376/")]
    [InlineData("tcp://engine:2375/", false, "tcp://engine:2375/")]
    [InlineData("10.0.0.5:2375", false, "tcp://10.0.0.5:2375/")]
    [InlineData("TCP://Engine:1234", false, "tcp://engine:1234/")]
    [InlineData("tcp://[::1]:2375", false, "tcp://[::1]:2375/")]
    [InlineData("unix:///run/user/1000/docker.sock", false, "unix:///run/user/1000/docker.sock")]
    [InlineData("unix://", false, "unix:///var/run/docker.sock")]
    [InlineData("npipe:////./pipe/docker_engine", false, "npipe://./pipe/docker_engine")]
    [InlineData("npipe://./pipe/dockerDesktopLinuxEngine", false, "npipe://./pipe/dockerDesktopLinuxEngine")]
    public void Hosts_are_parsed_as_the_CLI_parses_them(string host, bool tls, string expected)
    {
        var uri = EndpointResolver.ParseHost(host, "test", tls);

        Assert.Equal(expected, uri.Scheme == "tcp" ? uri.ToString() : uri.OriginalString);
    }

    [Theory]
    [InlineData("ssh://me@engine", "uses the scheme 'ssh'")]
    [InlineData("http://engine:2375", "uses the scheme 'http'")]
    [InlineData("fd://", "uses the scheme 'fd'")]
    [InlineData("tcp://", "is not a valid address")]
    [InlineData("tcp://engine:2375/path", "is not a valid address")]
    [InlineData("tcp://engine:notaport", "is not a valid address")]
    [InlineData("npipe://engine", "is not a valid address")]
    public void Unsupported_or_malformed_hosts_are_errors_naming_the_value_and_its_source(string host, string expected)
    {
        var error = Assert.Throws<EngineConfigurationException>(
            () => EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_HOST", host))));

        Assert.Contains("'" + host + "'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(from DOCKER_HOST)", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("npipe://./pipe/docker_engine")]
    public void A_named_pipe_off_Windows_is_a_configuration_error_at_once_and_on_Windows_the_endpoint(string host)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<EngineConfigurationException>(
            () => EndpointResolver.Resolve(host, TestEnvironment.Of(_home, false)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Contains("'" + host + "' (from the -DockerHost parameter) is a Windows named pipe, and named pipes exist only on Windows", error.Message, StringComparison.Ordinal);
        Assert.Contains("unix:///var/run/docker.sock", error.Message, StringComparison.Ordinal);
        Assert.Equal("npipe://./pipe/docker_engine", EndpointResolver.Resolve(host, TestEnvironment.Of(_home, true)).ToString());
    }

    [Fact]
    public void A_context_naming_a_named_pipe_off_Windows_is_a_configuration_error()
    {
        WriteContext("desktop", "npipe:////./pipe/dockerDesktopLinuxEngine");

        var error = Assert.Throws<EngineConfigurationException>(
            () => EndpointResolver.Resolve(null, TestEnvironment.Of(_home, false, ("DOCKER_CONTEXT", "desktop"))));

        Assert.Contains("(from Docker context 'desktop') is a Windows named pipe", error.Message, StringComparison.Ordinal);
    }

    [EngineFact]
    public void A_context_made_and_selected_by_the_real_docker_CLI_resolves_with_its_TLS_material()
    {
        // Not our idea of the context store: the files docker context create / use really write.
        var authority = Path.Combine(_home, "ca");
        var certificates = Path.Combine(_home, "certs");
        TestCertificates.CreateAuthority(authority);
        TestCertificates.CreateClient(authority, certificates);
        RunDockerCli("context", "create", "made-by-cli", "--docker",
            $"host=tcp://10.1.2.3:2376,ca={certificates}/ca.pem,cert={certificates}/cert.pem,key={certificates}/key.pem");
        RunDockerCli("context", "use", "made-by-cli");

        var endpoint = EndpointResolver.Resolve(null, TestEnvironment.Of("/nonexistent-home", false, ("DOCKER_CONFIG", ConfigDirectory)));

        Assert.Equal("tcp://10.1.2.3:2376/", endpoint.Address.ToString());
        Assert.Equal("Docker context 'made-by-cli'", endpoint.Source);
        Assert.True(endpoint.Tls!.VerifyServer);
        Assert.True(File.Exists(endpoint.Tls.CaFile), endpoint.Tls.CaFile);
        Assert.True(File.Exists(endpoint.Tls.CertificateFile), endpoint.Tls.CertificateFile);
        Assert.True(File.Exists(endpoint.Tls.KeyFile), endpoint.Tls.KeyFile);
    }

    private void RunDockerCli(params string[] arguments)
    {
        var start = new ProcessStartInfo(File.Exists("/usr/local/bin/docker") ? "/usr/local/bin/docker" : "docker")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_CONFIG"] = ConfigDirectory;
        start.Environment.Remove("DOCKER_HOST");
        start.Environment.Remove("DOCKER_CONTEXT");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
    }

    private void WriteConfig(string content)
    {
        Directory.CreateDirectory(ConfigDirectory);
        File.WriteAllText(Path.Combine(ConfigDirectory, "config.json"), content);
    }

    private void WriteContext(string name, string host, string? configDirectory = null, bool skipTlsVerify = false)
    {
        var folder = Path.Combine(configDirectory ?? ConfigDirectory, "contexts", "meta", EndpointResolver.ContextId(name));
        Directory.CreateDirectory(folder);

        // The shape `docker context create` writes.
        File.WriteAllText(
            Path.Combine(folder, "meta.json"),
            $"{{\"Name\":\"{name}\",\"Metadata\":{{\"Description\":\"\"}},\"Endpoints\":{{\"docker\":{{\"Host\":\"{host}\",\"SkipTLSVerify\":{(skipTlsVerify ? "true" : "false")}}}}}}}");
    }
}
