using System;
using System.Collections.Generic;
using System.IO;
using BqBackup.IO;
using BqBackup.Storage;

namespace BqBackup.State
{
    /// <summary>
    /// The records of what this user's runs have in flight (partial bodies, multipart uploads),
    /// one small JSON file each in a private state folder, so the next backup or expiry on this
    /// machine can clean what a killed run left. The folders are created 0700 and records 0600,
    /// exclusively: nothing here is created, read or removed through a symbolic link, and a file
    /// that is not a record of ours is removed with a note, never an exception.
    /// </summary>
    internal sealed class InFlightRegistry
    {
        /// <summary>Replaces the state folder (tests; machines whose home is not writable).</summary>
        public const string StateFolderVariable = "BQBACKUP_STATE_DIR";
        public const string RecordsFolderName = "in-flight";
        private static readonly TimeSpan TempAge = TimeSpan.FromMinutes(10);

        public InFlightRegistry(string stateFolder)
        {
            StateFolder = string.IsNullOrEmpty(stateFolder) ? null : Path.GetFullPath(stateFolder);
            Folder = StateFolder == null ? null : Path.Combine(StateFolder, RecordsFolderName);
        }

        /// <summary>BqBackup's state folder (the records are in its in-flight folder); null when no home could be found.</summary>
        public string StateFolder { get; }
        public string Folder { get; }

        public static InFlightRegistry ForCurrentUser() => new InFlightRegistry(DefaultStateFolder(ProcessEnvironment.Instance));

        /// <summary>
        /// BQBACKUP_STATE_DIR; else on Windows %LOCALAPPDATA%\BqBackup; else
        /// $XDG_STATE_HOME/bqbackup, else ~/.local/state/bqbackup.
        /// </summary>
        public static string DefaultStateFolder(IEnvironment env)
        {
            var overridden = env.Get(StateFolderVariable);
            if (overridden != null) return overridden;
            if (NativeFile.IsWindows)
            {
                var local = env.Get("LOCALAPPDATA") ?? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return string.IsNullOrEmpty(local) ? null : Path.Combine(local, "BqBackup");
            }
            var xdg = env.Get("XDG_STATE_HOME");
            if (xdg != null && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "bqbackup");
            var home = env.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".local", "state", "bqbackup");
        }

        /// <summary>
        /// Creates the state and records folders if missing; null when they are usable, else why
        /// not, with <paramref name="hostile"/> true when something that is not ours sits there
        /// (a link, a file, another user's folder).
        /// </summary>
        public string Prepare(out bool hostile)
        {
            hostile = false;
            if (StateFolder == null) return "no home folder was found for it (set " + StateFolderVariable + ")";
            var parent = Path.GetDirectoryName(StateFolder);
            try { if (parent != null && !Directory.Exists(parent)) Directory.CreateDirectory(parent); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return $"cannot create '{parent}': {e.Message}"; }
            return EnsurePrivateFolder(StateFolder, out hostile) ?? EnsurePrivateFolder(Folder, out hostile);
        }

        private static string EnsurePrivateFolder(string path, out bool hostile)
        {
            hostile = false;
            if (!NativeFile.ExistsNoFollow(path))
            {
                // mkdir 0700 fails on any name already there, a link included: never a folder made through one.
                try { NativeFile.CreatePrivateDirectory(path); }
                catch (Exception e) when ((e is IOException || e is UnauthorizedAccessException) && !NativeFile.ExistsNoFollow(path))
                {
                    return $"cannot create '{path}': {e.Message}";
                }
                catch (IOException) { /* made meanwhile: checked below like any other */ }
            }
            hostile = true;
            if (NativeFile.IsLinkOrReparsePoint(path)) return $"'{path}' is a symbolic link (to '{NativeFile.ReadLink(path)}'); it was not followed";
            var status = NativeFile.LStat(path);
            if (status.HasValue && !status.Value.IsDirectory || !status.HasValue && !Directory.Exists(path)) return $"'{path}' is not a folder";
            var me = NativeFile.EffectiveUserId();
            if (status.HasValue && me.HasValue && status.Value.Uid != me.Value) return $"'{path}' belongs to uid {status.Value.Uid}, not to this user (uid {me.Value})";
            hostile = false;
            return null;
        }

        /// <summary>Records <paramref name="record"/>; a ticket that does nothing when it cannot be written. Never throws.</summary>
        public InFlightTicket Register(InFlightRecord record)
        {
            if (Prepare(out _) != null || !Write(record)) return InFlightTicket.None;
            return new InFlightTicket(this, record);
        }

        /// <summary>Writes the record under a new name, whole or not at all (a hidden temp file linked into place); sets its Path.</summary>
        private bool Write(InFlightRecord record)
        {
            var name = $"{record.Pid}-{Guid.NewGuid():N}.json";
            var path = Path.Combine(Folder, name);
            var temp = Path.Combine(Folder, "." + name + ".tmp");
            try
            {
                var content = record.ToJson();
                using (var stream = NativeFile.CreatePrivate(temp, 4096)) stream.Write(content, 0, content.Length);
                NativeFile.MoveNoReplace(temp, path);
                record.Path = path;
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is BqBackupException)
            {
                NativeFile.TryUnlink(temp);
                return false;
            }
        }

        internal void MarkAbandoned(InFlightRecord record)
        {
            var old = record.Path;
            record.Abandoned = true;
            // Written anew before the old one goes: a kill in between leaves two records of one thing, which is harmless.
            if (Write(record)) Remove(old);
            else record.Path = old;
        }

        public void Remove(InFlightRecord record) => Remove(record.Path);

        private static void Remove(string path)
        {
            if (path != null) NativeFile.TryUnlink(path);
        }

        /// <summary>
        /// Every record (whoever owns it). What is not a record of ours — junk, a link, another
        /// user's file, a temp file a killed writer left — is removed and <paramref name="note"/>d.
        /// </summary>
        public IReadOnlyList<InFlightRecord> ReadAll(Action<string> note)
        {
            var records = new List<InFlightRecord>();
            if (Prepare(out _) != null) return records;
            string[] entries;
            try { entries = Directory.GetFileSystemEntries(Folder); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return records; }
            foreach (var path in entries)
            {
                if (Path.GetFileName(path).StartsWith(".", StringComparison.Ordinal))
                {
                    RemoveOldTemp(path, note);
                    continue;
                }
                var content = RecordFile.Read(path, InFlightRecord.MaxBytes, out var problem);
                var record = content == null ? null : InFlightRecord.TryParse(content, out problem);
                if (record == null)
                {
                    if (problem == null) continue; // released meanwhile
                    note?.Invoke($"Ignored and removed '{path}' from BqBackup's in-flight records: {problem}.");
                    Remove(path);
                    continue;
                }
                record.Path = path;
                records.Add(record);
            }
            return records;
        }

        private static void RemoveOldTemp(string path, Action<string> note)
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < TempAge && !NativeFile.IsLinkOrReparsePoint(path)) return;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
            note?.Invoke($"Removed '{path}' from BqBackup's in-flight records: a record whose writer was killed before it was whole.");
            Remove(path);
        }
    }
}
