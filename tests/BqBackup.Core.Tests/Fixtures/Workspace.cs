using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using BqBackup.Backup;
using BqBackup.Sample;
using BqBackup.Storage;
using Microsoft.Data.Sqlite;

namespace BqBackup.Tests.Fixtures
{
    /// <summary>A folder store, a sample database and a private temp root per test.</summary>
    public sealed class Workspace : IDisposable
    {
        private readonly TempDir temp = new TempDir();

        public Workspace(int jobs = 300)
        {
            Database = temp.File("queue.db");
            Expected = SampleDatabase.Create(Database, jobs);
            BackupsPath = temp.Dir("backups");
            Store = new FolderStore(BackupsPath, create: false);
            TempRoot = temp.Dir("tmp");
            Warnings = new List<string>();
            Context = new OperationContext { Warning = Warnings.Add };
        }

        public string Database { get; }
        public JobCounts Expected { get; }
        public string BackupsPath { get; }
        public FolderStore Store { get; }
        public string TempRoot { get; }
        public List<string> Warnings { get; }
        public OperationContext Context { get; }
        public string File(string name) => temp.File(name);
        public string Dir(string name) => temp.Dir(name);

        public BackupOptions Options(Func<DateTime> now = null) =>
            new BackupOptions { TempRoot = TempRoot, UtcNow = now ?? (() => DateTime.UtcNow) };

        public BackupInfo Backup(Func<DateTime> now = null) =>
            BackupEngine.Run(Database, Store, BackupsPath, Options(now), Context);

        public void Dispose()
        {
            Store.Dispose();
            temp.Dispose();
        }
    }
}
