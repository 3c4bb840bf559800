using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using BqBackup.IO;
using BqBackup.State;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.State
{
    /// <summary>The in-flight records: who owns them (pid and start time), junk, and links where the state folder should be.</summary>
    public class InFlightRegistryTests
    {
        /// <summary>A pid that belonged to a process which has exited (and was reaped).</summary>
        internal static int DeadPid()
        {
            using (var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false }))
            {
                p.WaitForExit();
                return p.Id;
            }
        }

        internal static InFlightRecord Partial(string folder, string partial, int pid, string startTime = null) => new InFlightRecord
        {
            Kind = InFlightRecord.FolderKind, Folder = folder, Partial = partial, Pid = pid, StartTime = startTime,
            BootId = ProcessIdentity.Current.BootId, Created = DateTime.UtcNow,
        };

        [Fact]
        public void A_record_is_a_private_file_in_private_folders_and_goes_when_released()
        {
            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(Path.Combine(t.Path, "state"));
                var ticket = registry.Register(InFlightRecord.ForPartial(t.Path, Path.Combine(t.Path, ".x.partial-1")));
                Assert.NotNull(ticket.RecordPath);
                Assert.Equal(0x180u, NativeFile.TryGetMode(ticket.RecordPath));
                Assert.Equal(0x1C0u, NativeFile.TryGetMode(registry.StateFolder));
                Assert.Equal(0x1C0u, NativeFile.TryGetMode(registry.Folder));

                var record = Assert.Single(registry.ReadAll(null));
                Assert.Equal(Environment.ProcessId, record.Pid);
                Assert.Equal(ProcessIdentity.Current.StartTime, record.StartTime);
                Assert.NotNull(record.StartTime);
                Assert.False(record.OwnerIsGone);
                var json = File.ReadAllText(ticket.RecordPath);
                Assert.Contains("\"startTime\"", json);
                Assert.Contains("\"partial\"", json);

                ticket.Release();
                Assert.Empty(registry.ReadAll(null));
                Assert.Empty(Directory.GetFileSystemEntries(registry.Folder));
            }
        }

        [Fact]
        public void A_record_whose_pid_lives_with_another_start_time_is_stale()
        {
            // This very pid is alive: only the start time tells the reused pid from the writer.
            Assert.False(ProcessIdentity.IsRunning(Environment.ProcessId, "1", ProcessIdentity.Current.BootId));
            Assert.True(ProcessIdentity.IsRunning(Environment.ProcessId, ProcessIdentity.Current.StartTime, ProcessIdentity.Current.BootId));
            // pid 1 is alive, but was not started at tick 2.
            Assert.False(ProcessIdentity.IsRunning(1, "2", null));
            // Another boot: whatever runs under that pid now is not the writer.
            Assert.False(ProcessIdentity.IsRunning(Environment.ProcessId, ProcessIdentity.Current.StartTime, "00000000-0000-0000-0000-000000000000"));
            Assert.False(ProcessIdentity.IsRunning(DeadPid(), null, null));

            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(t.Path);
                registry.Register(Partial(t.Path, Path.Combine(t.Path, ".a.partial-1"), Environment.ProcessId, "1"));
                registry.Register(Partial(t.Path, Path.Combine(t.Path, ".b.partial-2"), Environment.ProcessId, ProcessIdentity.Current.StartTime));
                var records = registry.ReadAll(null).ToDictionary(r => Path.GetFileName(r.Partial));
                Assert.True(records[".a.partial-1"].OwnerIsGone);
                Assert.False(records[".b.partial-2"].OwnerIsGone);
            }
        }

        [Fact]
        public void The_start_time_is_field_22_of_proc_stat()
        {
            if (!File.Exists("/proc/self/stat")) return;
            var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
            var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            Assert.Equal(fields[19], ProcessIdentity.Current.StartTime);
        }

        [Fact]
        public void Junk_in_the_records_folder_is_ignored_and_removed_with_a_note_never_an_exception()
        {
            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(t.Path);
                Assert.Null(registry.Prepare(out _));
                var victim = t.File("victim.json");
                File.WriteAllText(victim, Encoding.UTF8.GetString(InFlightRecord.ForPartial(t.Path, Path.Combine(t.Path, ".v.partial-1")).ToJson()));
                var junk = new Dictionary<string, byte[]>
                {
                    ["empty.json"] = new byte[0],
                    ["text.json"] = Encoding.UTF8.GetBytes("not json at all"),
                    ["array.json"] = Encoding.UTF8.GetBytes("[1,2,3]"),
                    ["binary.json"] = new byte[] { 0xff, 0xfe, 0x00, 0x01, 0x80 },
                    ["nopid.json"] = Encoding.UTF8.GetBytes("{\"version\":1,\"kind\":\"folder\",\"created\":\"2026-01-01T00:00:00Z\",\"folder\":\"/x\",\"partial\":\"/x/.y.partial-1\"}"),
                    ["kind.json"] = Encoding.UTF8.GetBytes("{\"version\":1,\"kind\":\"ftp\",\"pid\":5,\"created\":\"2026-01-01T00:00:00Z\"}"),
                    ["version.json"] = Encoding.UTF8.GetBytes("{\"version\":99,\"kind\":\"folder\",\"pid\":5}"),
                    ["huge.json"] = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 100_000) + "\"}"),
                    ["types.json"] = Encoding.UTF8.GetBytes("{\"version\":\"1\",\"kind\":7,\"pid\":\"x\",\"created\":[]}"),
                };
                foreach (var j in junk) File.WriteAllBytes(Path.Combine(registry.Folder, j.Key), j.Value);
                File.CreateSymbolicLink(Path.Combine(registry.Folder, "link.json"), victim);
                File.CreateSymbolicLink(Path.Combine(registry.Folder, "dangling.json"), t.File("nothing-here"));
                Directory.CreateDirectory(Path.Combine(registry.Folder, "folder.json"));

                var notes = new List<string>();
                Assert.Empty(registry.ReadAll(notes.Add));
                foreach (var name in junk.Keys.Concat(new[] { "link.json", "dangling.json", "folder.json" }))
                    Assert.Contains(notes, n => n.Contains(name));
                foreach (var name in junk.Keys.Concat(new[] { "link.json", "dangling.json" }))
                    Assert.False(NativeFile.ExistsNoFollow(Path.Combine(registry.Folder, name)), name);
                Assert.Contains(notes, n => n.Contains("link.json") && n.Contains("symbolic link"));
                Assert.True(File.Exists(victim)); // the link went, never what it pointed to
            }
        }

        [Fact]
        public void A_symbolic_link_at_the_state_folder_is_not_followed_and_nothing_is_written_through_it()
        {
            using (var t = new TempDir())
            {
                var elsewhere = t.Dir("elsewhere");
                var state = t.File("state");
                Directory.CreateSymbolicLink(state, elsewhere);
                var registry = new InFlightRegistry(state);
                Assert.Contains("symbolic link", registry.Prepare(out var hostile));
                Assert.True(hostile);
                var ticket = registry.Register(InFlightRecord.ForPartial(t.Path, Path.Combine(t.Path, ".x.partial-1")));
                Assert.Null(ticket.RecordPath);
                ticket.Release();
                ticket.Abandon();
                Assert.Empty(registry.ReadAll(null));
                Assert.Empty(Directory.GetFileSystemEntries(elsewhere));

                // The same one level down, at in-flight itself.
                var real = t.Dir("real");
                Directory.CreateSymbolicLink(Path.Combine(real, InFlightRegistry.RecordsFolderName), elsewhere);
                var inner = new InFlightRegistry(real);
                Assert.Contains("symbolic link", inner.Prepare(out _));
                Assert.Null(inner.Register(InFlightRecord.ForPartial(t.Path, Path.Combine(t.Path, ".x.partial-2"))).RecordPath);
                Assert.Empty(Directory.GetFileSystemEntries(elsewhere));

                // A cleanup run says so, as a warning, and does not fail.
                var warnings = new List<string>();
                using (var store = new FolderStore(t.Dir("backups"), create: false))
                    LeftoverCleanup.Clean(store, null, new OperationContext { Warning = warnings.Add }, registry);
                Assert.Contains(warnings, w => w.Contains("symbolic link"));
            }
        }

        [Fact]
        public void A_state_folder_that_is_a_file_or_missing_its_parents_is_handled()
        {
            using (var t = new TempDir())
            {
                File.WriteAllText(t.File("file"), "x");
                Assert.NotNull(new InFlightRegistry(t.File("file")).Prepare(out _));
                var deep = new InFlightRegistry(Path.Combine(t.Path, "a", "b", "bqbackup"));
                Assert.Null(deep.Prepare(out _));
                Assert.True(Directory.Exists(deep.Folder));
                Assert.NotNull(new InFlightRegistry(null).Prepare(out _));
            }
        }

        [Fact]
        public void The_default_state_folder_follows_BQBACKUP_STATE_DIR_then_XDG_STATE_HOME_then_HOME()
        {
            if (NativeFile.IsWindows) return;
            Assert.Equal("/s", InFlightRegistry.DefaultStateFolder(Env(("BQBACKUP_STATE_DIR", "/s"), ("XDG_STATE_HOME", "/x"), ("HOME", "/h"))));
            Assert.Equal("/x/bqbackup", InFlightRegistry.DefaultStateFolder(Env(("XDG_STATE_HOME", "/x"), ("HOME", "/h"))));
            Assert.Equal("/h/.local/state/bqbackup", InFlightRegistry.DefaultStateFolder(Env(("XDG_STATE_HOME", "relative"), ("HOME", "/h"))));
        }

        private static IEnvironment Env(params (string name, string value)[] values) =>
            new DictionaryEnvironment(values.ToDictionary(v => v.name, v => v.value));

        [Fact]
        public void An_abandoned_record_is_left_over_although_its_owner_lives()
        {
            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(t.Path);
                var ticket = registry.Register(InFlightRecord.ForUpload("HTTP://127.0.0.1:9000/", "b", "p/k", "id-1"));
                Assert.False(Assert.Single(registry.ReadAll(null)).OwnerIsGone);
                ticket.Abandon();
                var record = Assert.Single(registry.ReadAll(null));
                Assert.True(record.Abandoned);
                Assert.True(record.OwnerIsGone);
                Assert.True(record.IsFor("http://127.0.0.1:9000", "b"));
                Assert.False(record.IsFor("http://127.0.0.1:9001", "b"));
                ticket.Release(); // settled once: the abandoned record stays for the next run
                Assert.Single(registry.ReadAll(null));
            }
        }
    }
}
