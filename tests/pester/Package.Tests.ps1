# The package build.ps1 -Task Package (and Test) makes: out/package/BqBackup, a module folder with
# native SQLite for four runtimes under runtimes/<rid>/native/, and the .nupkg made from it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:PackageDir = Join-Path $RepoRoot 'out/package'
    $script:PackagedModule = Join-Path $PackageDir 'BqBackup'
    $script:Version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'BqBackup.psd1')).ModuleVersion
    $script:Nupkg = Join-Path $PackageDir "BqBackup.$Version.nupkg"
    $script:Loader = [BqBackup.Native.SqliteNativeLoader]
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    # Runs a script in a fresh pwsh (nothing of this session loaded) and returns its output lines.
    function Invoke-FreshPwsh([string] $Script) {
        $exe = [Environment]::ProcessPath
        $file = Join-Path $TestDrive ("fresh-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script
        $output = if ((Split-Path $exe -Leaf) -like 'dotnet*') {
            & $exe (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $file 2>&1
        } else {
            & $exe -NoProfile -NonInteractive -File $file 2>&1
        }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
}

Describe 'The loader''s choice of native library' {
    It 'puts <Rid> at <Path>' -ForEach @(
        @{ Rid = 'linux-x64'; Path = 'runtimes/linux-x64/native/libe_sqlite3.so' }
        @{ Rid = 'linux-arm64'; Path = 'runtimes/linux-arm64/native/libe_sqlite3.so' }
        @{ Rid = 'win-x64'; Path = 'runtimes/win-x64/native/e_sqlite3.dll' }
        @{ Rid = 'osx-arm64'; Path = 'runtimes/osx-arm64/native/libe_sqlite3.dylib' }
    ) {
        $Loader::RelativePath($Rid) | Should -Be $Path
    }

    It 'names <Os> on <Arch> <Rid>' -ForEach @(
        @{ Os = 'Linux'; Arch = 'X64'; Rid = 'linux-x64' }
        @{ Os = 'Linux'; Arch = 'Arm64'; Rid = 'linux-arm64' }
        @{ Os = 'Windows'; Arch = 'X64'; Rid = 'win-x64' }
        @{ Os = 'OSX'; Arch = 'Arm64'; Rid = 'osx-arm64' }
    ) {
        $os = [System.Runtime.InteropServices.OSPlatform]::$Os
        $Loader::RuntimeIdentifier($os, [System.Runtime.InteropServices.Architecture]::$Arch, $false) | Should -Be $Rid
    }

    It 'knows musl Linux and refuses an empty runtime identifier' {
        $Loader::RuntimeIdentifier([System.Runtime.InteropServices.OSPlatform]::Linux, 'X64', $true) | Should -Be 'linux-musl-x64'
        { $Loader::RelativePath('') } | Should -Throw
    }

    It 'names this process''s runtime from the process architecture' {
        $expected = '{0}-{1}' -f $(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } elseif (Test-Path /etc/alpine-release) { 'linux-musl' } else { 'linux' }),
            [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        $Loader::CurrentRuntimeIdentifier() | Should -Be $expected
    }

    It 'leaves the flat layout of the Build task to the runtime''s own probing' {
        # out/BqBackup has the library beside the DLLs and no runtimes/ folder.
        $Loader::Mechanism | Should -Be 'DefaultProbing'
    }
}

Describe 'The packaged module folder' {
    It 'has the native library of <Rid> where the loader looks, named as its OS names libraries' -ForEach @(
        @{ Rid = 'linux-x64' }, @{ Rid = 'linux-arm64' }, @{ Rid = 'win-x64' }, @{ Rid = 'osx-arm64' }
    ) {
        $file = Join-Path $PackagedModule $Loader::RelativePath($Rid)
        $file | Should -Exist
        (Get-Item $file).Length | Should -BeGreaterThan 500KB
        $Rid | Should -BeIn $Loader::PackagedRuntimes
    }

    It 'carries each runtime''s own binary: ELF, PE or Mach-O, for the right CPU' {
        $magic = { param($rid) $b = [IO.File]::ReadAllBytes((Join-Path $PackagedModule $Loader::RelativePath($rid))); $b }
        $elf = & $magic 'linux-x64'; [BitConverter]::ToUInt16($elf, 18) | Should -Be 0x3E                                # EM_X86_64
        $elf = & $magic 'linux-arm64'; [BitConverter]::ToUInt16($elf, 18) | Should -Be 0xB7                              # EM_AARCH64
        $pe = & $magic 'win-x64'; [Text.Encoding]::ASCII.GetString($pe, 0, 2) | Should -Be 'MZ'
        $peHeader = [BitConverter]::ToInt32($pe, 0x3C); [BitConverter]::ToUInt16($pe, $peHeader + 4) | Should -Be 0x8664 # AMD64
        $macho = & $magic 'osx-arm64'; [BitConverter]::ToUInt32($macho, 0).ToString('X8') | Should -Be 'FEEDFACF'  # MH_MAGIC_64
        [BitConverter]::ToUInt32($macho, 4).ToString('X8') | Should -Be '0100000C'                                                    # CPU_TYPE_ARM64
    }

    It 'has no native library beside the DLLs, so the loader''s choice is the only one' {
        foreach ($flat in 'libe_sqlite3.so', 'e_sqlite3.dll', 'libe_sqlite3.dylib') { Join-Path $PackagedModule $flat | Should -Not -Exist }
        @(Get-ChildItem (Join-Path $PackagedModule 'runtimes')).Name | Sort-Object | Should -Be (@($Loader::PackagedRuntimes) | Sort-Object)
    }

    It 'has the manifest, the help, the about topic, the format views and the license' {
        foreach ($f in 'BqBackup.psd1', 'BqBackup.dll', 'BqBackup.Core.dll', 'BqBackup.dll-Help.xml', 'en-US/about_BqBackup.help.txt', 'BqBackup.Format.ps1xml', 'LICENSE') {
            Join-Path $PackagedModule $f | Should -Exist
        }
        Test-ModuleManifest (Join-Path $PackagedModule 'BqBackup.psd1') -ErrorAction Stop | Should -Not -BeNullOrEmpty
    }
}

Describe 'The .nupkg' {
    BeforeAll {
        $script:entries = @([System.IO.Compression.ZipFile]::OpenRead($Nupkg) | ForEach-Object { try { $_.Entries.FullName } finally { $_.Dispose() } })
    }

    It 'is written for Publish-PSResource' { $Nupkg | Should -Exist }

    It 'holds the module with every runtime''s native library' {
        $entries | Should -Contain 'BqBackup.psd1'
        $entries | Should -Contain 'BqBackup.dll'
        $entries | Should -Contain 'BqBackup.dll-Help.xml'
        $entries | Should -Contain 'en-US/about_BqBackup.help.txt'
        foreach ($rid in $Loader::PackagedRuntimes) { $entries | Should -Contain $Loader::RelativePath($rid) }
    }

    It 'carries the manifest''s metadata in its nuspec' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'BqBackup.nuspec').Open())
            $nuspec = [xml] $reader.ReadToEnd()
            $reader.Dispose()
        } finally { $zip.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'BqBackup'
        $nuspec.package.metadata.version | Should -Be $Version
        $nuspec.package.metadata.tags | Should -Match 'PSModule'
        $nuspec.package.metadata.tags | Should -Match 'bunqueue'
        "$($nuspec.package.metadata.projectUrl)" | Should -Match '^https://'
    }
}

Describe 'The packaged module, imported in a fresh pwsh' -Skip:(-not ($IsLinux -and [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'X64')) {
    It 'loads linux-x64''s library from runtimes/ and takes, lists and restores a backup' {
        # Installed as Install-PSResource would: the .nupkg's content in a folder named BqBackup.
        $installed = Join-Path $TestDrive 'modules/BqBackup'
        [System.IO.Compression.ZipFile]::ExtractToDirectory($Nupkg, $installed)
        $work = Join-Path $TestDrive 'fresh'
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$installed/BqBackup.psd1'
`$db = '$work/queue.db'
New-Item -ItemType Directory -Force '$work' | Out-Null
[BqBackup.Sample.SampleDatabase]::Create(`$db, 40, 1, 200) | Out-Null
`$b = New-BqBackup -Path `$db -Destination '$work/backups'
`$r = Get-BqBackup -Destination '$work/backups' -Latest | Restore-BqBackup -Path '$work/restored.db' -Confirm:`$false
"mechanism=`$([BqBackup.Native.SqliteNativeLoader]::Mechanism)"
"loaded=`$([BqBackup.Native.SqliteNativeLoader]::LoadedFrom)"
"jobs=`$(`$b.Counts.Jobs) restored=`$(`$r.Counts.Jobs) verified=`$(`$r.ChecksumVerified)"
"mapped=`$((Get-Content /proc/self/maps | Where-Object { `$_ -match '/(lib)?e_sqlite3\.(so|dylib|dll)`$' } | ForEach-Object { (`$_ -split '\s+', 6)[5] } | Sort-Object -Unique) -join ';')"
"help=`$((Get-Help New-BqBackup).Synopsis)"
"@
        $text = $result.Output -join "`n"
        $result.ExitCode | Should -Be 0 -Because $text
        $expected = Join-Path $installed 'runtimes/linux-x64/native/libe_sqlite3.so'
        $text | Should -Match 'mechanism=DllImportResolver'
        $text | Should -Match "loaded=$([regex]::Escape($expected))"
        $text | Should -Match 'jobs=40 restored=40 verified=True'
        # The only e_sqlite3 mapped into the process is the packaged one: no other copy was found first.
        $text | Should -Match "mapped=$([regex]::Escape($expected))(\n|$)"
        $text | Should -Match 'help=Takes a consistent snapshot'
    }
}
