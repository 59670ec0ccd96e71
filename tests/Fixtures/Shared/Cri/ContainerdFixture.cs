using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;

namespace ImgTrack.Tests.Cri;

/// <summary>One container created through the CRI, with what the runtime says of it.</summary>
/// <param name="PodSandboxId">The pod sandbox it belongs to.</param>
/// <param name="ContainerId">The container's ID.</param>
/// <param name="Image">The image as the pod spec names it (what the kubelet pulls).</param>
/// <param name="ImageRef"><c>ContainerStatus.image_ref</c>: what the kubelet copies into the pod's <c>imageID</c>.</param>
/// <param name="StatusImage"><c>ContainerStatus.image.image</c>: what the kubelet shows as the pod's <c>image</c>.</param>
/// <param name="ImageId"><c>ContainerStatus.image_id</c>: the image ID (config digest).</param>
public sealed record CriContainer(string PodSandboxId, string ContainerId, string Image, string ImageRef, string StatusImage, string ImageId);

/// <summary>
/// A private containerd (Debian's containerd 1.6 with runc) with its CRI plugin, as verified on Debian's containerd 1.6.20: native
/// snapshotter, its own root, state and sockets in a short folder under /tmp, a FROM-scratch pause image (busybox-static's
/// binary, pushed to the given registry) as sandbox_image, no CNI: pod sandboxes share the node's network namespace and
/// have no host name of their own. Images enter it only as the kubelet's do, through the CRI's <c>PullImage</c> (or with
/// <c>ctr -n k8s.io images import</c>, <see cref="Ctr"/>). Unlike the test dockerd, containerd really runs each pod's
/// sandbox; dispose stops containerd, its shims and their processes, unmounts what is left under the folder and removes the
/// <c>k8s.io</c> cgroups of the pods it made.
/// </summary>
public sealed class ContainerdFixture : IDisposable
{
    /// <summary>The pause image's repository in the registry.</summary>
    public const string PauseRepository = "imgtrack/pause";

    private const string Containerd = "/usr/bin/containerd";
    private const string CtrCli = "/usr/bin/ctr";
    private const string Runc = "/usr/sbin/runc";
    private const string Busybox = "/bin/busybox";
    private const string FolderPrefix = "itc-";
    private const string OwnerFile = "owner.pid";
    private const string PidFile = "containerd.pid";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly List<string> _sandboxes = new();
    private readonly string _directory;
    private Process? _containerd;
    private GrpcChannel? _channel;
    private RuntimeService.RuntimeServiceClient? _runtime;
    private ImageService.ImageServiceClient? _images;
    private int _pods;
    private bool _disposed;

    /// <summary>
    /// Starts containerd. With <paramref name="cri"/> the CRI plugin serves, pulling from <paramref name="engine"/>'s
    /// registry in plain HTTP, with a pause image pushed there through <paramref name="engine"/>; without it the CRI plugin is
    /// disabled as in Docker's bundled containerd (<c>disabled_plugins</c>), and <paramref name="engine"/> may be null.
    /// </summary>
    public ContainerdFixture(DockerEngineFixture? engine, bool cri = true)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The test containerd needs Linux (Debian's containerd, runc and busybox-static).");
        }

        RequireFile(Containerd, "containerd");
        RequireFile(CtrCli, "containerd");
        RequireFile(Runc, "runc");
        RequireFile(Busybox, "busybox-static");
        if (cri && engine is null)
        {
            throw new ArgumentNullException(nameof(engine), "A containerd with the CRI needs a registry for its pause image.");
        }

        CleanUpLeftovers();
        _directory = System.IO.Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        if (!_directory.StartsWith("/tmp/", StringComparison.Ordinal))
        {
            var shortDirectory = Path.Combine("/tmp", Path.GetFileName(_directory));
            System.IO.Directory.Move(_directory, shortDirectory);
            _directory = shortDirectory;
        }

        File.WriteAllText(Path.Combine(_directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            var pause = cri ? PushPauseImage(engine!) : null;
            Start(pause, engine?.RegistryAddress);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The CRI endpoint, <c>unix:///tmp/itc-…/containerd.sock</c>.</summary>
    public string RuntimeEndpoint => "unix://" + SocketPath;

    /// <summary>The fixture's folder.</summary>
    public string Directory => _directory;

    /// <summary>containerd's process ID.</summary>
    public int ContainerdPid => _containerd?.Id ?? 0;

    private string SocketPath => Path.Combine(_directory, "containerd.sock");

    /// <summary>The runtime's name and version, from the CRI's <c>Version</c>.</summary>
    public string Version()
    {
        var answer = Runtime.Version(new VersionRequest { Version = "v1" }, deadline: Deadline());
        return answer.RuntimeName + " " + answer.RuntimeVersion + " (" + answer.RuntimeApiVersion + ")";
    }

    /// <summary>Pulls an image as the kubelet does, through the CRI; returns the image ID the runtime answers.</summary>
    public string PullImage(string image) =>
        Images.PullImage(new PullImageRequest { Image = new ImageSpec { Image = image } }, deadline: Deadline()).ImageRef;

    /// <summary>
    /// Runs a pod sandbox (node network namespace, no host name) and creates one container in it from
    /// <paramref name="image"/>, passing the image ID as the kubelet does; the container is not started. Returns what
    /// <c>ContainerStatus</c> says. With <paramref name="pull"/> the image is pulled first (imagePullPolicy Always);
    /// without, it must be present (IfNotPresent on a node that has it: an imported image).
    /// </summary>
    public CriContainer CreateContainer(string image, string podName, string containerName, bool pull = true)
    {
        var imageId = pull
            ? Images.PullImage(new PullImageRequest { Image = new ImageSpec { Image = image } }, deadline: Deadline()).ImageRef
            : Images.ImageStatus(new ImageStatusRequest { Image = new ImageSpec { Image = image } }, deadline: Deadline()).Image?.Id
                ?? throw new InvalidOperationException("containerd does not hold " + image + ".");
        var uid = Guid.NewGuid().ToString();
        var sandboxConfig = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = podName, Uid = uid, Namespace = "imgtrack", Attempt = (uint)System.Threading.Interlocked.Increment(ref _pods) },
            LogDirectory = Path.Combine(_directory, "pods", uid),
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Node, Pid = NamespaceMode.Pod, Ipc = NamespaceMode.Pod },
                },
            },
        };
        System.IO.Directory.CreateDirectory(sandboxConfig.LogDirectory);
        var sandbox = Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = sandboxConfig }, deadline: Deadline()).PodSandboxId;
        lock (_sandboxes)
        {
            _sandboxes.Add(sandbox);
        }

        var container = Runtime.CreateContainer(
            new CreateContainerRequest
            {
                PodSandboxId = sandbox,
                SandboxConfig = sandboxConfig,
                Config = new ContainerConfig
                {
                    Metadata = new ContainerMetadata { Name = containerName },

                    // The kubelet creates a container from the image ID the pull answered, not the name.
                    Image = new ImageSpec { Image = imageId },

                    // Never started; containerd refuses a container without a command when the image names none.
                    Command = { "/bin/true" },
                },
            },
            deadline: Deadline()).ContainerId;
        var status = Runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = container }, deadline: Deadline()).Status;
        return new CriContainer(sandbox, container, image, status.ImageRef, status.Image?.Image ?? string.Empty, status.ImageId);
    }

    /// <summary>Runs <c>ctr</c> against this containerd in the CRI's namespace (<c>-n k8s.io</c>) and returns its output.</summary>
    public string Ctr(params string[] args)
    {
        var start = FixtureProcesses.CommandLine(CtrCli, false, new[] { "--address", SocketPath, "--namespace", "k8s.io" }.Concat(args));
        return FixtureProcesses.Run(start, "ctr", null);
    }

    /// <summary>Stops every pod sandbox, containerd, its shims and their processes; unmounts, removes cgroups and the folder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_runtime is not null)
        {
            string[] sandboxes;
            lock (_sandboxes)
            {
                sandboxes = _sandboxes.ToArray();
            }

            foreach (var sandbox in sandboxes)
            {
                try
                {
                    Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = sandbox }, deadline: Deadline());
                    Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = sandbox }, deadline: Deadline());
                }
                catch (RpcException)
                {
                    // Killed below with the shims.
                }
            }
        }

        _channel?.Dispose();
        if (_containerd is not null)
        {
            FixtureProcesses.Stop(_containerd);
        }

        StopShims(_directory);
        RemoveCgroups(_sandboxes);
        FixtureProcesses.DeleteFolder(_directory);
    }

    private RuntimeService.RuntimeServiceClient Runtime => _runtime ?? throw new InvalidOperationException("This containerd runs without the CRI.");

    private ImageService.ImageServiceClient Images => _images ?? throw new InvalidOperationException("This containerd runs without the CRI.");

    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(2);

    // A FROM-scratch image holding busybox-static's binary, whose entrypoint sleeps: the sandbox's process.
    private static string PushPauseImage(DockerEngineFixture engine)
    {
        var name = engine.RegistryAddress + "/" + PauseRepository + ":1";
        var folder = System.IO.Directory.CreateTempSubdirectory("itpause-").FullName;
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(folder, "root", "bin"));
            File.Copy(Busybox, Path.Combine(folder, "root", "bin", "busybox"));
            var tarball = Path.Combine(folder, "pause.tar");
            FixtureProcesses.Run(FixtureProcesses.CommandLine("tar", false, new[] { "-C", Path.Combine(folder, "root"), "-cf", tarball, "." }), "tar", null);
            engine.Docker("import", "--change", "ENTRYPOINT [\"/bin/busybox\", \"sleep\", \"86400\"]", tarball, name);
            engine.Push(name);
            return name;
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private void Start(string? pauseImage, string? registry)
    {
        var config = new StringBuilder();
        if (pauseImage is null)
        {
            // As Docker's bundled containerd ships it (/etc/containerd/config.toml: disabled_plugins = ["cri"]); a
            // top-level key, so before the first table.
            config.Append("disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n");
        }

        config.Append(CultureInfo.InvariantCulture, $"version = 2\nroot = \"{_directory}/root\"\nstate = \"{_directory}/state\"\n");
        config.Append(CultureInfo.InvariantCulture, $"[grpc]\n  address = \"{SocketPath}\"\n[ttrpc]\n  address = \"{SocketPath}.ttrpc\"\n[debug]\n  address = \"{_directory}/debug.sock\"\n");
        if (pauseImage is not null)
        {
            config.Append(CultureInfo.InvariantCulture, $"[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"{pauseImage}\"\n  disable_apparmor = true\n  restrict_oom_score_adj = true\n");
            config.Append("  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n    snapshotter = \"native\"\n    default_runtime_name = \"runc\"\n");
            config.Append("    [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n      runtime_type = \"io.containerd.runc.v2\"\n");

            // Empty: no CNI, pods use the node's network namespace.
            config.Append(CultureInfo.InvariantCulture, $"  [plugins.\"io.containerd.grpc.v1.cri\".cni]\n    bin_dir = \"{_directory}/cni/bin\"\n    conf_dir = \"{_directory}/cni/conf\"\n");
            config.Append(CultureInfo.InvariantCulture, $"  [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"{registry}\"]\n    endpoint = [\"http://{registry}\"]\n");
        }

        var text = config.ToString();
        File.WriteAllText(Path.Combine(_directory, "config.toml"), text);

        var log = Path.Combine(_directory, "containerd.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LOG\" 2>&1");
        start.ArgumentList.Add(Containerd);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(Path.Combine(_directory, "config.toml"));
        start.Environment["LOG"] = log;
        _containerd = Process.Start(start) ?? throw new InvalidOperationException("Cannot start containerd.");
        File.WriteAllText(Path.Combine(_directory, PidFile), _containerd.Id.ToString(CultureInfo.InvariantCulture));

        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, token) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), token);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });

        if (pauseImage is null)
        {
            FixtureProcesses.WaitUntil(_containerd, "containerd", () => File.Exists(SocketPath) && Ctr("version").Contains("Server", StringComparison.Ordinal), s_startTimeout, log);
            return;
        }

        _runtime = new RuntimeService.RuntimeServiceClient(_channel);
        _images = new ImageService.ImageServiceClient(_channel);
        FixtureProcesses.WaitUntil(_containerd, "containerd", () =>
        {
            if (!File.Exists(SocketPath))
            {
                return false;
            }

            try
            {
                return Runtime.Version(new VersionRequest { Version = "v1" }, deadline: DateTime.UtcNow.AddSeconds(5)).RuntimeName.Length > 0;
            }
            catch (RpcException)
            {
                return false;
            }
        }, s_startTimeout, log);
    }

    /// <summary>Kills the runc shims this containerd started (their command line names the fixture's socket) and every
    /// process under them: the pods' sandbox and container processes.</summary>
    private static void StopShims(string folder)
    {
        foreach (var shim in ProcessesNaming(folder))
        {
            foreach (var pid in Descendants(shim).Append(shim))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(10_000);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone already.
                }
            }
        }
    }

    private static IEnumerable<int> ProcessesNaming(string folder)
    {
        foreach (var dir in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains("containerd-shim", StringComparison.Ordinal) && commandLine.Contains(folder + "/", StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }

    // Children first, deepest first, read from /proc/*/stat's parent field.
    private static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = new List<int>();
                }

                list.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
            }
        }

        var result = new List<int>();
        void Walk(int pid)
        {
            if (!children.TryGetValue(pid, out var list))
            {
                return;
            }

            foreach (var child in list)
            {
                Walk(child);
                result.Add(child);
            }
        }

        Walk(root);
        return result;
    }

    /// <summary>Removes the cgroups of the given pod sandboxes: with no cgroup parent, containerd puts a sandbox's process
    /// in <c>k8s.io/&lt;sandbox ID&gt;</c>, in cgroup v2 and in every v1 hierarchy. Containers are never started, so they
    /// have none. <c>k8s.io</c> itself goes when empty (another run's live pods keep it).</summary>
    private static void RemoveCgroups(IReadOnlyCollection<string> sandboxes)
    {
        var roots = new List<string> { "/sys/fs/cgroup" };
        if (System.IO.Directory.Exists("/sys/fs/cgroup"))
        {
            roots.AddRange(System.IO.Directory.GetDirectories("/sys/fs/cgroup"));
        }

        foreach (var k8s in roots.Select(root => Path.Combine(root, "k8s.io")).Where(System.IO.Directory.Exists))
        {
            foreach (var group in sandboxes.Select(id => Path.Combine(k8s, id)).Append(k8s))
            {
                try
                {
                    System.IO.Directory.Delete(group);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone already, or still in use (another run's pods under k8s.io).
                }
            }
        }
    }

    /// <summary>containerds, shims and pods of crashed runs (their test process gone).</summary>
    private static void CleanUpLeftovers() => FixtureProcesses.CleanUpLeftovers("/tmp", FolderPrefix, OwnerFile, folder =>
    {
        StopShims(folder);
        return new[] { Path.Combine(folder, PidFile) };
    });

    private static void RequireFile(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The test containerd needs {path}: apt-get install {package}.");
        }
    }
}
