/**
 * The hard stop after a failed bedside verification. It covers the whole screen and cannot be
 * dismissed by Escape, a click outside or a close button: the only way out is to say that you
 * have stopped, which returns to the product and records nothing (the server already logged the
 * refused attempt).
 */
import { Button, List, Modal, Stack, Text, Title } from "@mantine/core";
import { BEDSIDE_FIELDS } from "./types.ts";

export function BedsideStop({
  mismatches,
  detail,
  onAcknowledge,
}: {
  mismatches: string[];
  detail: string;
  onAcknowledge: () => void;
}) {
  return (
    <Modal
      opened
      fullScreen
      onClose={() => {
        /* deliberately nothing: only the acknowledgement leaves this screen */
      }}
      withCloseButton={false}
      closeOnEscape={false}
      closeOnClickOutside={false}
      trapFocus
      returnFocus={false}
      transitionProps={{ duration: 0 }}
      aria-labelledby="bedside-stop-title"
      styles={{ content: { background: "var(--mantine-color-red-9)", color: "white" } }}
    >
      <Stack align="center" justify="center" mih="90vh" gap="lg" role="alertdialog" aria-modal="true">
        <Title order={1} id="bedside-stop-title" fz={56} c="white">
          STOP — do not infuse
        </Title>
        <Text fz="xl" c="white" maw={760} ta="center">
          The bedside verification found a mismatch. This bag must not be given to this patient until the
          mismatch is resolved.
        </Text>
        <Stack gap={4} maw={760} w="100%">
          <Text fw={700} c="white" fz="lg">
            Mismatched ({mismatches.length}):
          </Text>
          <List c="white" fz="lg" spacing="xs" aria-label="Mismatched fields">
            {mismatches.map((m) => (
              <List.Item key={m} data-mismatch={m}>
                {BEDSIDE_FIELDS[m] ?? m}
              </List.Item>
            ))}
          </List>
          <Text c="white" size="sm" mt="sm">
            {detail}
          </Text>
        </Stack>
        <Button size="xl" variant="white" color="red.9" onClick={onAcknowledge} data-autofocus>
          I have stopped; return to the product
        </Button>
      </Stack>
    </Modal>
  );
}
