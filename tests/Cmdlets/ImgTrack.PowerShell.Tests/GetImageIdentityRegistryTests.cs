using System;
using System.Linq;
using System.Management.Automation;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// <c>Get-ImageIdentity -Remote</c> against the registries of <see cref="RegistryFixture"/> (Debian's docker-registry 2.8):
/// token auth with <c>-Credential</c>, credentials for one registry only, and the faults of the fixture's proxy, each an
/// item error with the registry's error ID. No secret may reach any stream.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class GetImageIdentityRegistryTests : IClassFixture<RegistryFixture>
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";
    private const string WrongPassword = "not-the-Pa55word-either";

    // Every stream merged into the output, each record as the text a user or a log would see.
    private const string AllStreams =
        "param($names, $user, $password) $credential = [pscredential]::new($user, (ConvertTo-SecureString $password -AsPlainText -Force)); " +
        "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; " +
        "& { $names | Get-ImageIdentity -Remote -Platform linux/amd64 -Credential $credential } *>&1";

    private readonly RegistryFixture _registries;

    public GetImageIdentityRegistryTests(RegistryFixture registries) => _registries = registries;

    [EngineFact]
    public void Credential_for_names_in_two_registries_fails_the_run_before_any_request()
    {
        _registries.Proxy.Reset();
        var names = new[] { _registries.ProxyAddress + "/span/a:1", _registries.TokenAddress + "/span/b:1" };
        using var session = new PowerShellSession();
        session.SetVariable("credential", new PSCredential(RegistryFixture.User, Secure(RegistryFixture.Password)));

        var byArgument = session.Invoke("Get-ImageIdentity -Remote -Name $args[0] -Credential $credential", new object[] { names });
        var byPipeline = session.Invoke("$args[0] | Get-ImageIdentity -Remote -Credential $credential", new object[] { names });

        foreach (var result in new[] { byArgument, byPipeline })
        {
            // A terminating error ends the statement; a hosted script records it in the error stream and goes on.
            Assert.Empty(result.Output);
            var error = Assert.Single(result.Errors);
            Assert.Equal("CredentialSpansRegistries" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(_registries.ProxyAddress, error.ToString(), StringComparison.Ordinal);
            Assert.Contains(_registries.TokenAddress, error.ToString(), StringComparison.Ordinal);
        }

        var thrown = session.Invoke("try { Get-ImageIdentity -Remote -Name $args[0] -Credential $credential; 'went on' } catch { 'caught ' + $_.FullyQualifiedErrorId }", new object[] { names });
        Assert.Equal(new object[] { "caught CredentialSpansRegistries" + CmdletErrorSuffix }, thrown.BaseObjects.ToArray());

        Assert.Empty(_registries.Proxy.Requests);
        Assert.Equal(0, _registries.Proxy.NonHttpConnections);
    }

    [EngineFact]
    public void Credential_opens_a_token_registry_and_no_password_reaches_any_stream()
    {
        var configs = _registries.Push(_registries.TokenAddress, "auth/app:1", "linux/amd64");
        var name = _registries.TokenAddress + "/auth/app:1";
        using var session = new PowerShellSession();

        var good = session.Invoke(AllStreams, new[] { name }, RegistryFixture.User, RegistryFixture.Password);
        var wrong = session.Invoke(AllStreams, new[] { name }, RegistryFixture.User, WrongPassword);
        var anonymous = session.Invoke("$n = $args[0]; & { Get-ImageIdentity -Remote $n -Platform linux/amd64 -Verbose } *>&1", name);

        var identity = Assert.Single(good.Output, o => o.BaseObject is not InformationalRecord);
        Assert.True(identity.Properties["ImageId"] is not null, string.Join("; ", good.Output.SelectMany(Texts)));
        Assert.Equal(configs["linux/amd64"], identity.Properties["ImageId"].Value);
        Assert.Contains(good.Output, o => o.BaseObject is VerboseRecord v && v.Message.Contains("credential of user 'imgtrack'", StringComparison.Ordinal));
        foreach (var result in new[] { wrong, anonymous })
        {
            var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output, o => o.BaseObject is ErrorRecord).BaseObject);
            Assert.Equal("RegistryUnauthorized" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
            Assert.Contains("auth/app", error.ToString(), StringComparison.Ordinal);
        }

        foreach (var result in new[] { good, wrong, anonymous })
        {
            Assert.Null(result.TerminatingError);
            foreach (var text in result.Output.SelectMany(Texts))
            {
                Assert.DoesNotContain(RegistryFixture.Password, text, StringComparison.Ordinal);
                Assert.DoesNotContain(WrongPassword, text, StringComparison.Ordinal);
            }
        }
    }

    [EngineFact]
    public void Registry_faults_are_item_errors_with_their_error_IDs_and_categories_in_input_order()
    {
        foreach (var fault in new[] { "tamper", "garble", "down", "fine" })
        {
            _registries.Push(_registries.PlainAddress, $"faults/{fault}:1", "linux/amd64");
        }

        _registries.Proxy.Reset();
        _registries.Proxy.Plan = request => request.Path switch
        {
            var p when p.Contains("/faults/tamper/manifests/", StringComparison.Ordinal) => new Fault.Tamper(),
            var p when p.Contains("/faults/garble/manifests/", StringComparison.Ordinal) => new Fault.Garble(),
            var p when p.Contains("/faults/down/", StringComparison.Ordinal) => new Fault.Status(500),
            _ => null,
        };
        var names = new[] { "tamper", "garble", "down", "fine" }.Select(f => $"{_registries.ProxyAddress}/faults/{f}:1").ToArray();
        using var session = new PowerShellSession();

        try
        {
            var result = session.Invoke("$n = $args[0]; & { $n | Get-ImageIdentity -Remote -Platform linux/amd64 } 2>&1", new object[] { names });

            Assert.Null(result.TerminatingError);
            Assert.Equal(4, result.Output.Count);
            var errors = result.Output.Take(3).Select(o => Assert.IsType<ErrorRecord>(o.BaseObject)).ToList();
            Assert.Equal(
                new[] { "DigestMismatch", "UnsupportedManifest", "RegistryUnavailable" },
                errors.Select(e => e.FullyQualifiedErrorId.Replace(CmdletErrorSuffix, string.Empty, StringComparison.Ordinal)));
            Assert.Equal(
                new[] { ErrorCategory.SecurityError, ErrorCategory.InvalidData, ErrorCategory.ConnectionError },
                errors.Select(e => e.CategoryInfo.Category));
            Assert.Equal(names.Take(3), errors.Select(e => (string)e.TargetObject));
            Assert.Equal(names[3], result.Property(3, "Name"));
        }
        finally
        {
            _registries.Proxy.Reset();
        }
    }

    [EngineFact]
    public void A_credential_helper_the_docker_config_names_but_that_is_missing_is_one_warning_and_the_registry_is_asked_anonymously()
    {
        _registries.Push(_registries.TokenAddress, "helper/app:1", "linux/amd64");
        var config = System.IO.Directory.CreateTempSubdirectory("imgtrack-docker-config-");
        System.IO.File.WriteAllText(System.IO.Path.Combine(config.FullName, "config.json"), "{\"credsStore\":\"imgtrack-missing-helper\"}");
        var names = new[] { _registries.TokenAddress + "/helper/app:1", _registries.TokenAddress + "/helper/app:1" };
        using var session = new PowerShellSession();

        // DOCKER_CONFIG is read when the run starts; it is put back at once, as other tests share the process.
        var result = session.Invoke(
            "$saved = $env:DOCKER_CONFIG; $env:DOCKER_CONFIG = $args[1]; $n = $args[0]; " +
            "try { & { $n | Get-ImageIdentity -Remote -Platform linux/amd64 } 2>&1 } finally { $env:DOCKER_CONFIG = $saved }",
            names,
            config.FullName);
        config.Delete(recursive: true);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("'docker-credential-imgtrack-missing-helper'", warning, StringComparison.Ordinal);
        Assert.Contains("anonymously", warning, StringComparison.Ordinal);

        // The token service refuses anonymous access: each name is its own RegistryUnauthorized error.
        Assert.Equal(2, result.Output.Count);
        Assert.All(result.Output, o => Assert.Equal("RegistryUnauthorized" + CmdletErrorSuffix, Assert.IsType<ErrorRecord>(o.BaseObject).FullyQualifiedErrorId));
    }

    private static System.Security.SecureString Secure(string text)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    // Every text a record carries: its display, and for errors the whole exception chain.
    private static string[] Texts(PSObject record) => record.BaseObject switch
    {
        ErrorRecord error => new[] { error.ToString(), error.Exception.ToString(), error.ErrorDetails?.Message ?? string.Empty, error.TargetObject?.ToString() ?? string.Empty },
        InformationalRecord informational => new[] { informational.Message },
        _ => record.Properties.Select(p => p.Value?.ToString() ?? string.Empty).Append(record.ToString()).ToArray(),
    };
}
