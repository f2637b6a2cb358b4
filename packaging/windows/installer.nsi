; Kupang Desk installer: per user, no administrator rights, Indonesian pages.
; Compiled by packaging/build_windows.py, which passes VERSION, NUMERIC_VERSION, STAGE
; (the folder to install), FILES_NSH (what the uninstaller removes), OUTFILE, INSTALLED_KB.
;
; The program goes to %LOCALAPPDATA%\Programs\KupangDesk. The data (database, backups,
; settings, logs) lives in %LOCALAPPDATA%\KupangDesk, which the installer never writes
; and the uninstaller never touches: an upgrade or an uninstall keeps every record.

; A 64-bit installer: the program is 64-bit (Qt 6 needs 64-bit Windows 10 or newer), so a
; PC that cannot run it is told so by Windows before anything is installed.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "WinVer.nsh"
!include "${FILES_NSH}"

!define APP "Kupang Desk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\KupangDesk"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\KupangDesk"
InstallDirRegKey HKCU "Software\KupangDesk" "InstallDir"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${NUMERIC_VERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "Pemasang ${APP}"
VIAddVersionKey /LANG=0 "CompanyName" "Kupang Desk"
VIAddVersionKey /LANG=0 "LegalCopyright" "Kupang Desk"

!define MUI_ICON "${STAGE}\kupang-desk.ico"
!define MUI_UNICON "${STAGE}\kupang-desk.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "Kupang Desk ${VERSION} akan dipasang untuk akun Windows ini saja, tanpa hak administrator.$\r$\n$\r$\nData (database, cadangan, pengaturan) disimpan di $LOCALAPPDATA\KupangDesk dan tetap ada bila program diperbarui atau dihapus.$\r$\n$\r$\nKlik Lanjut untuk melanjutkan."
!define MUI_FINISHPAGE_RUN "$INSTDIR\pythonw.exe"
!define MUI_FINISHPAGE_RUN_PARAMETERS "-m kupang_desk"
!define MUI_FINISHPAGE_RUN_TEXT "Jalankan Kupang Desk sekarang"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"

; Qt 6 for Windows uses the ICU that Windows 10 carries from version 1903 (build 18362): on an older
; Windows the program would stop at a missing icuuc.dll. Said before anything is installed, in
; Indonesian; a silent install (/S) ends with exit code 2 and installs nothing.
Function .onInit
  ${IfNot} ${AtLeastWin10}
  ${OrIfNot} ${AtLeastBuild} 18362
    MessageBox MB_OK|MB_ICONSTOP "Kupang Desk memerlukan Windows 10 versi 1903 atau yang lebih baru (64-bit). Windows di komputer ini lebih lama, jadi program tidak dipasang. Perbarui Windows lewat Windows Update, lalu jalankan pemasang ini lagi." /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
FunctionEnd

Section "Kupang Desk" main
  SectionIn RO
  SetShellVarContext current
  ; An upgrade replaces the program whole, so no module of the old version lingers;
  ; the data folder is elsewhere and is not touched.
  !insertmacro REMOVE_INSTALLED_FILES
  SetOutPath "$INSTDIR"
  File /r "${STAGE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\Kupang Desk.lnk" "$INSTDIR\pythonw.exe" "-m kupang_desk" "$INSTDIR\kupang-desk.ico" 0 SW_SHOWNORMAL "" "Pendaftaran pasien, laporan puskesmas, data siswa dan beasiswa"
  CreateShortCut "$DESKTOP\Kupang Desk.lnk" "$INSTDIR\pythonw.exe" "-m kupang_desk" "$INSTDIR\kupang-desk.ico" 0 SW_SHOWNORMAL "" "Pendaftaran pasien, laporan puskesmas, data siswa dan beasiswa"

  WriteRegStr HKCU "Software\KupangDesk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Kupang Desk"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\kupang-desk.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" ${INSTALLED_KB}
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only what the installer put there: a folder the user chose that holds other files
  ; (even the data folder) keeps them.
  !insertmacro REMOVE_INSTALLED_FILES
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Kupang Desk.lnk"
  Delete "$DESKTOP\Kupang Desk.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\KupangDesk"
SectionEnd
