package protocol_test

import (
	"errors"
	"fmt"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

func ExampleDecode() {
	// The client encodes an input into a reused buffer...
	buf := make([]byte, 0, protocol.MaxClientMessage)
	buf = protocol.Input{Seq: 1, Tick: 100, Move: protocol.DirE, Aim: 0}.Append(buf[:0])
	fmt.Printf("% x\n", buf)

	// ...and the world decodes it and switches on the concrete type.
	m, err := protocol.Decode(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	switch m := m.(type) {
	case protocol.Input:
		fmt.Println("input", m.Seq, m.Tick, m.Move)
	case protocol.Ping:
		fmt.Println("ping", m.ClientTime)
	}

	// A bad message says what was wrong; its kind picks the close code.
	_, err = protocol.Decode([]byte{0x01, 0x01, 0x00})
	code := protocol.CloseMalformed
	if errors.Is(err, protocol.ErrVersion) {
		code = protocol.CloseBadVersion
	}
	fmt.Println(err)
	fmt.Println(uint16(code), code.Reason())
	// Output:
	// 02 01 64 03 00 00 00
	// input 1 100 E
	// protocol: unsupported protocol version 1 in Hello (want 4)
	// 4001 This game version is out of date. Please refresh to update.
}
