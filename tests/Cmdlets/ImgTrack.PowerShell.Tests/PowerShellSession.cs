using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ImgTrack.Tests;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// A real PowerShell 7.6 runspace with the staged module imported from out/ImgTrack/ImgTrack.psd1, as a
/// script would import it. Each test gets its own session; streams are captured per invocation.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    /// <summary>Opens a runspace and imports the staged module.</summary>
    public PowerShellSession(bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (importModule)
        {
            var import = Invoke("Import-Module -Name $args[0] -ErrorAction Stop", RepositoryPaths.StagedManifest);
            import.ThrowIfErrors();
        }
    }

    /// <summary>The underlying runspace, for tests that drive a PowerShell instance themselves (Ctrl+C).</summary>
    public Runspace Runspace => _runspace;

    /// <summary>Runs a script; <paramref name="args"/> arrive as <c>$args</c>.</summary>
    public PowerShellResult Invoke(string script, params object?[] args)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var arg in args)
        {
            ps.AddArgument(arg);
        }

        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            return new PowerShellResult(new Collection<PSObject>(), ps.Streams, ex.ErrorRecord);
        }

        return new PowerShellResult(output, ps.Streams, null);
    }

    /// <summary>Sets a variable in the session.</summary>
    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    /// <inheritdoc />
    public void Dispose() => _runspace.Dispose();
}

/// <summary>What one invocation wrote to each stream.</summary>
public sealed class PowerShellResult
{
    internal PowerShellResult(Collection<PSObject> output, PSDataStreams streams, ErrorRecord? terminatingError)
    {
        Output = output;
        Errors = streams.Error.ToList();
        Warnings = streams.Warning.Select(w => w.Message).ToList();
        Verbose = streams.Verbose.Select(v => v.Message).ToList();
        Progress = streams.Progress.ToList();
        TerminatingError = terminatingError;
    }

    /// <summary>The output objects.</summary>
    public Collection<PSObject> Output { get; }

    /// <summary>Non-terminating error records.</summary>
    public IReadOnlyList<ErrorRecord> Errors { get; }

    /// <summary>Warning messages.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Verbose messages.</summary>
    public IReadOnlyList<string> Verbose { get; }

    /// <summary>Progress records.</summary>
    public IReadOnlyList<ProgressRecord> Progress { get; }

    /// <summary>The terminating error, if the script threw.</summary>
    public ErrorRecord? TerminatingError { get; }

    /// <summary>The base objects of the output.</summary>
    public IEnumerable<object> BaseObjects => Output.Select(o => o.BaseObject);

    /// <summary>Fails with the errors' text when the invocation wrote any error.</summary>
    public PowerShellResult ThrowIfErrors()
    {
        var all = Errors.ToList();
        if (TerminatingError is not null)
        {
            all.Add(TerminatingError);
        }

        if (all.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, all.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        }

        return this;
    }

    /// <summary>A property of output object <paramref name="index"/>.</summary>
    public object? Property(int index, string name) => Output[index].Properties[name]?.Value;
}
