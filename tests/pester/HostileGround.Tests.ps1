# Hostile ground: a restore run as root in a folder another user owns, a backup body crafted to
# fill the disk. Every refused operation leaves the live database and its -wal/-shm byte for byte
# as they were, and nothing is created where a planted link points.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'
    $script:backup = New-BqBackup -Path $db -Destination $dest
    $script:IsRoot = (& id -u) -eq '0'

    function Get-ErrorOf([scriptblock] $Command) { try { & $Command; $null } catch { $_ } }

    # A live database in a folder of its own, with a -wal and -shm as a crashed server leaves them.
    function New-LiveDatabase([string] $Folder) {
        $dir = New-Item -ItemType Directory -Force (Join-Path $TestDrive $Folder)
        $live = Join-Path $dir 'queue.db'
        New-SampleDatabase -Path $live -Jobs 50 | Out-Null
        Set-Content "$live-wal" -Value 'wal bytes' -NoNewline
        Set-Content "$live-shm" -Value 'shm bytes' -NoNewline
        $live
    }

    function Get-LiveHashes([string] $Live) { @($Live, "$Live-wal", "$Live-shm") | ForEach-Object { Get-FileSha256 $_ } }

    # A gzip body of $MiB MiB of zeros: a few hundred KB that inflate to as much as asked.
    function New-GzipBomb([string] $Path, [int] $MiB) {
        $file = [IO.File]::Create($Path)
        $gz = [IO.Compression.GZipStream]::new($file, [IO.Compression.CompressionLevel]::Fastest)
        try { $zeros = [byte[]]::new(1MB); for ($i = 0; $i -lt $MiB; $i++) { $gz.Write($zeros, 0, $zeros.Length) } }
        finally { $gz.Dispose(); $file.Dispose() }
    }

    # A destination holding one real backup whose body is replaced by a bomb; the sidecar is kept
    # (lying about the size), rewritten with -DeclaredSize, or removed with -NoSidecar.
    function New-BombDestination([string] $Name, [int] $MiB, [long] $DeclaredSize = 0, [switch] $NoSidecar) {
        $folder = Join-Path $TestDrive $Name
        $b = New-BqBackup -Path $db -Destination $folder
        New-GzipBomb -Path (Join-Path $folder $b.Name) -MiB $MiB
        $meta = Join-Path $folder "$($b.Name).meta.json"
        if ($NoSidecar) { Remove-Item $meta }
        elseif ($DeclaredSize) { (Get-Content -Raw $meta) -replace '"size":\s*\d+', """size"":$DeclaredSize" | Set-Content $meta }
        Get-BqBackup -Destination $folder -Name $b.Name
    }

    # A small file system of our own, so a full disk is real: tmpfs, mounted as root.
    function Mount-SmallDisk([string] $Name, [string] $Size = '96m') {
        $dir = New-Item -ItemType Directory -Force (Join-Path $TestDrive $Name)
        & mount -t tmpfs -o "size=$Size,mode=0755" tmpfs $dir.FullName 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { return $null }
        $dir.FullName
    }
}

Describe 'Links planted beside the database are never followed' {
    It 'a link at the restore lock''s name: LinkRefused, and nothing is created where it points' {
        $live = New-LiveDatabase 'lock-link'
        $before = Get-LiveHashes $live
        $victim = Join-Path $TestDrive 'etc-nologin'
        $lock = Join-Path (Split-Path $live) '.queue.db.bqrestore.lock'
        New-Item -ItemType SymbolicLink -Path $lock -Target $victim | Out-Null
        $e = Get-ErrorOf { Restore-BqBackup -Path $live -Destination $dest -Latest -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'LinkRefused,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'SecurityError'
        $e.TargetObject | Should -Be $lock
        $e.ErrorDetails.Message | Should -Match ([regex]::Escape($victim))
        Test-Path $victim | Should -BeFalse
        Get-LiveHashes $live | Should -Be $before
    }

    It 'links at the -wal, -shm and -journal names are moved aside as links, their targets never created' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'companion-links')
        $live = Join-Path $dir 'queue.db'
        Copy-Item $db $live
        $victims = foreach ($suffix in '-wal', '-shm', '-journal') {
            $victim = Join-Path $TestDrive "victim$suffix"
            New-Item -ItemType SymbolicLink -Path "$live$suffix" -Target $victim | Out-Null
            $victim
        }
        $result = Restore-BqBackup -Path $live -Destination $dest -Name $backup.Name -Confirm:$false
        Get-FileSha256 $live | Should -Be $backup.Sha256
        foreach ($victim in $victims) { Test-Path $victim | Should -BeFalse }
        $result.MovedAside | Should -HaveCount 4
        foreach ($m in $result.MovedAside | Where-Object From -ne $live) { (Get-Item -Force $m.To).LinkType | Should -Be 'SymbolicLink' }
        foreach ($suffix in '-wal', '-shm', '-journal') { Test-Path "$live$suffix" | Should -BeFalse }
    }

    It 'a link planted at the status record''s name in the backup folder is replaced, not written through' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'status-link')
        $victim = Join-Path $TestDrive 'victim-status'
        New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'bqbackup-status.json') -Target $victim | Out-Null
        New-BqBackup -Path $db -Destination $folder | Out-Null
        Test-Path $victim | Should -BeFalse
        (Get-Item (Join-Path $folder 'bqbackup-status.json')).LinkType | Should -BeNullOrEmpty
    }
}

Describe 'A -Path that is a symbolic link' {
    It 'is restored into the file it points to, in that file''s folder, and stays a link' {
        $live = New-LiveDatabase 'volume'
        $oldSha = Get-FileSha256 $live
        $app = New-Item -ItemType Directory (Join-Path $TestDrive 'app')
        $link = Join-Path $app 'queue.db'
        New-Item -ItemType SymbolicLink -Path $link -Target $live | Out-Null
        $result = Restore-BqBackup -Path $link -Destination $dest -Name $backup.Name -Confirm:$false
        $result.Path | Should -Be $link
        $result.ResolvedPath | Should -Be $live
        (Get-Item $link).LinkType | Should -Be 'SymbolicLink'
        (Get-Item $link).Target | Should -Be $live
        Get-FileSha256 $live | Should -Be $backup.Sha256
        Test-Path "$live-wal" | Should -BeFalse
        $aside = ($result.MovedAside | Where-Object From -eq $live).To
        Split-Path $aside | Should -Be (Split-Path $live)
        (Get-Item $aside).LinkType | Should -BeNullOrEmpty
        Get-FileSha256 $aside | Should -Be $oldSha
        @(Get-ChildItem -Force $app).Name | Should -Be @('queue.db')
    }

    It 'owned by another user than root or you: RestoreTargetUnsafe, nothing changed' {
        if (-not $IsRoot) { Set-ItResult -Skipped -Because 'only root can give a link to another user'; return }
        $live = New-LiveDatabase 'volume-untrusted'
        $before = Get-LiveHashes $live
        $link = Join-Path (New-Item -ItemType Directory (Join-Path $TestDrive 'app-untrusted')) 'queue.db'
        New-Item -ItemType SymbolicLink -Path $link -Target $live | Out-Null
        & chown -h 4242 $link
        $e = Get-ErrorOf { Restore-BqBackup -Path $link -Destination $dest -Latest -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'RestoreTargetUnsafe,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'SecurityError'
        $e.TargetObject | Should -Be $link
        $e.ErrorDetails.Message | Should -Match 'uid 4242'
        Get-LiveHashes $live | Should -Be $before
        @(Get-ChildItem -Force (Split-Path $live)).Count | Should -Be 3
    }
}

Describe 'A -Path inside the backup folder' {
    It 'is refused with RestoreTargetInBackupFolder before anything is created' {
        $target = Join-Path $dest 'queue.db'
        $listing = @(Get-ChildItem -Force $dest).Name
        $e = Get-ErrorOf { Restore-BqBackup -Path $target -Destination $dest -Latest -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'RestoreTargetInBackupFolder,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -Be $target
        @(Get-ChildItem -Force $dest).Name | Should -Be $listing
    }
}

Describe 'Writes are bounded, on a small file system of our own' {
    BeforeAll {
        $script:disk = if ($IsRoot) { Mount-SmallDisk 'small-disk' '96m' }
        $script:tmpDisk = if ($IsRoot) { Mount-SmallDisk 'small-tmp' '96m' }
        # 200 MiB of zeros in a body of about 200 KB, with the real sidecar (which records the real, small size).
        $script:lying = New-BombDestination -Name 'bomb-lying' -MiB 200
        $script:honestBig = New-BombDestination -Name 'bomb-honest' -MiB 200 -DeclaredSize (200MB)
        $script:noSidecar = New-BombDestination -Name 'bomb-nosidecar' -MiB 200 -NoSidecar
    }
    AfterAll {
        foreach ($d in $disk, $tmpDisk) { if ($d) { & umount $d 2>&1 | Out-Null } }
    }
    BeforeEach {
        if (-not $disk -or -not $tmpDisk) { Set-ItResult -Skipped -Because 'mounting a tmpfs needs root'; return }
        Get-ChildItem -Force $disk, $tmpDisk | Remove-Item -Recurse -Force
        $script:live = Join-Path $disk 'queue.db'
        Copy-Item $db $live
        Set-Content "$live-wal" -Value 'wal bytes' -NoNewline
        Set-Content "$live-shm" -Value 'shm bytes' -NoNewline
        $script:before = Get-LiveHashes $live
    }

    It 'a body that inflates past its sidecar''s size: SizeMismatch at that size, the disk never fills' {
        $e = Get-ErrorOf { $lying | Restore-BqBackup -Path $live -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'SizeMismatch,BqBackup.Commands.RestoreBqBackupCommand'
        $e.TargetObject | Should -Be $lying.Name
        $e.ErrorDetails.Message | Should -Match 'stopped there'
        Get-LiveHashes $live | Should -Be $before
        @(Get-ChildItem -Force $disk).Name | Sort-Object | Should -Be @('queue.db', 'queue.db-shm', 'queue.db-wal')
    }

    It 'Test-BqBackup of that body fails the test with the reason, its scratch copy bounded and removed' {
        $result = Invoke-WithEnvironment @{ TMPDIR = $tmpDisk } { $lying | Test-BqBackup }
        $result.Passed | Should -BeFalse
        $result.Reasons -join ' ' | Should -Match 'more than the [\d,]+ bytes its metadata records'
        Get-ChildItem -Force $tmpDisk | Should -BeNullOrEmpty
    }

    It 'a sidecar that declares more than fits: InsufficientSpace before any byte, naming the folder and the bytes' {
        $e = Get-ErrorOf { $honestBig | Restore-BqBackup -Path $live -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -Be 'InsufficientSpace,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $e.TargetObject | Should -Be $disk
        $e.ErrorDetails.Message | Should -Match "'$([regex]::Escape($disk))'.*[\d,]+ bytes needed .*[\d,]+ available"
        Get-LiveHashes $live | Should -Be $before
        @(Get-ChildItem -Force $disk).Count | Should -Be 3

        $e = Get-ErrorOf { Invoke-WithEnvironment @{ TMPDIR = $tmpDisk } { $honestBig | Test-BqBackup -ErrorAction Stop } }
        $e.FullyQualifiedErrorId | Should -Be 'InsufficientSpace,BqBackup.Commands.TestBqBackupCommand'
        $e.TargetObject | Should -Be $tmpDisk
        Get-ChildItem -Force $tmpDisk | Should -BeNullOrEmpty
    }

    It 'a disk that fills during the write (no sidecar, -Force): InsufficientSpace, no temp file, the database as it was' {
        $e = Get-ErrorOf { $noSidecar | Restore-BqBackup -Path $live -Force -Confirm:$false -WarningAction SilentlyContinue }
        $e.FullyQualifiedErrorId | Should -Be 'InsufficientSpace,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $e.TargetObject | Should -Be $disk
        $e.ErrorDetails.Message | Should -Match 'filled up'
        Get-LiveHashes $live | Should -Be $before
        @(Get-ChildItem -Force $disk).Name | Sort-Object | Should -Be @('queue.db', 'queue.db-shm', 'queue.db-wal')
    }

    It 'Test-BqBackup on a TMPDIR that fills: InsufficientSpace, never a raw IOException' {
        $e = Get-ErrorOf { Invoke-WithEnvironment @{ TMPDIR = $tmpDisk } { $noSidecar | Test-BqBackup -ErrorAction Stop } }
        $e.Exception | Should -Not -BeOfType [System.IO.IOException]
        $e.FullyQualifiedErrorId | Should -Be 'InsufficientSpace,BqBackup.Commands.TestBqBackupCommand'
        Get-ChildItem -Force $tmpDisk | Should -BeNullOrEmpty
    }

    It '-MaxSize bounds a body without a sidecar: MaxSizeExceeded' {
        $e = Get-ErrorOf { $noSidecar | Restore-BqBackup -Path $live -Force -MaxSize 8MB -Confirm:$false -WarningAction SilentlyContinue }
        $e.FullyQualifiedErrorId | Should -Be 'MaxSizeExceeded,BqBackup.Commands.RestoreBqBackupCommand'
        $e.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $e.TargetObject | Should -Be $noSidecar.Name
        Get-LiveHashes $live | Should -Be $before
        @(Get-ChildItem -Force $disk).Count | Should -Be 3
        $t = Invoke-WithEnvironment @{ TMPDIR = $tmpDisk } { $noSidecar | Test-BqBackup -MaxSize 8MB }
        $t.Reasons -join ' ' | Should -Match 'MaxSize'
    }
}

Describe 'A folder the restore may not write to' {
    It 'says so in one sentence, without a doubled period' {
        if (-not $IsRoot -or -not (Get-Command setpriv -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'needs root and setpriv to drop CAP_DAC_OVERRIDE'; return }
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'readonly')
        $live = Join-Path $dir 'queue.db'
        Copy-Item $db $live
        & chmod 0555 $dir.FullName
        $module = Join-Path $RepoRoot 'out/BqBackup/BqBackup.psd1'
        $script = "Import-Module '$module'; try { Restore-BqBackup -Path '$live' -Destination '$dest' -Latest -Confirm:`$false -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.Message }"
        $exe = [Environment]::ProcessPath
        $pwshArgs = [System.Collections.Generic.List[string]]::new()
        if ((Split-Path $exe -Leaf) -like 'dotnet*') { $pwshArgs.Add((Join-Path $PSHOME 'pwsh.dll')) }
        $out = & setpriv --bounding-set=-dac_override,-dac_read_search $exe @pwshArgs -NoProfile -NonInteractive -Command $script 2>&1
        & chmod 0755 $dir.FullName
        $text = $out -join "`n"
        $text | Should -Match 'RestoreFailed,BqBackup.Commands.RestoreBqBackupCommand'
        $text | Should -Match 'denied\. The database was not changed\.'
        $text | Should -Not -Match '\.\.'
    }
}
